/**
 * The rules provider's symptom table: common conditions, their ICD-10 codes and typical symptoms.
 * A teaching aid for deterministic suggestions, not a diagnostic instrument.
 */
export interface ConditionRow {
  condition: string;
  icd10: string;
  symptoms: string[];
}

export const SYMPTOM_TABLE: ConditionRow[] = [
  {
    condition: 'Acute upper respiratory infection (common cold)',
    icd10: 'J06.9',
    symptoms: ['runny nose', 'sore throat', 'sneezing', 'cough', 'nasal congestion', 'mild fever'],
  },
  { condition: 'Influenza', icd10: 'J11.1', symptoms: ['fever', 'chills', 'muscle aches', 'cough', 'fatigue', 'headache', 'sore throat'] },
  {
    condition: 'COVID-19',
    icd10: 'U07.1',
    symptoms: ['fever', 'cough', 'loss of smell', 'loss of taste', 'fatigue', 'shortness of breath'],
  },
  {
    condition: 'Community-acquired pneumonia',
    icd10: 'J18.9',
    symptoms: ['fever', 'productive cough', 'shortness of breath', 'chest pain', 'chills', 'fatigue'],
  },
  {
    condition: 'Acute bronchitis',
    icd10: 'J20.9',
    symptoms: ['cough', 'productive cough', 'wheezing', 'chest discomfort', 'mild fever', 'fatigue'],
  },
  { condition: 'Asthma', icd10: 'J45.909', symptoms: ['wheezing', 'shortness of breath', 'chest tightness', 'cough at night'] },
  {
    condition: 'Chronic obstructive pulmonary disease',
    icd10: 'J44.9',
    symptoms: ['chronic cough', 'shortness of breath', 'wheezing', 'sputum production'],
  },
  {
    condition: 'Streptococcal pharyngitis',
    icd10: 'J02.0',
    symptoms: ['sore throat', 'fever', 'swollen lymph nodes', 'painful swallowing', 'tonsil exudate'],
  },
  {
    condition: 'Acute sinusitis',
    icd10: 'J01.90',
    symptoms: ['facial pain', 'nasal congestion', 'purulent nasal discharge', 'headache', 'reduced smell'],
  },
  { condition: 'Allergic rhinitis', icd10: 'J30.9', symptoms: ['sneezing', 'itchy eyes', 'runny nose', 'nasal congestion', 'watery eyes'] },
  { condition: 'Otitis media', icd10: 'H66.90', symptoms: ['ear pain', 'fever', 'hearing loss', 'ear discharge'] },
  { condition: 'Conjunctivitis', icd10: 'H10.9', symptoms: ['red eye', 'itchy eyes', 'eye discharge', 'watery eyes'] },
  {
    condition: 'Essential hypertension',
    icd10: 'I10',
    symptoms: ['high blood pressure', 'headache', 'dizziness', 'blurred vision', 'nosebleed'],
  },
  {
    condition: 'Angina pectoris',
    icd10: 'I20.9',
    symptoms: ['chest pain', 'chest pressure', 'shortness of breath', 'pain radiating to arm', 'sweating'],
  },
  { condition: 'Heart failure', icd10: 'I50.9', symptoms: ['shortness of breath', 'leg swelling', 'fatigue', 'weight gain', 'orthopnea'] },
  {
    condition: 'Atrial fibrillation',
    icd10: 'I48.91',
    symptoms: ['palpitations', 'irregular heartbeat', 'dizziness', 'fatigue', 'shortness of breath'],
  },
  {
    condition: 'Type 2 diabetes mellitus',
    icd10: 'E11.9',
    symptoms: ['increased thirst', 'frequent urination', 'fatigue', 'blurred vision', 'slow-healing wounds', 'weight loss'],
  },
  {
    condition: 'Hypothyroidism',
    icd10: 'E03.9',
    symptoms: ['fatigue', 'weight gain', 'cold intolerance', 'dry skin', 'constipation', 'hair loss'],
  },
  {
    condition: 'Hyperthyroidism',
    icd10: 'E05.90',
    symptoms: ['weight loss', 'palpitations', 'heat intolerance', 'tremor', 'anxiety', 'sweating'],
  },
  {
    condition: 'Iron deficiency anaemia',
    icd10: 'D50.9',
    symptoms: ['fatigue', 'pale skin', 'shortness of breath', 'dizziness', 'cold hands'],
  },
  {
    condition: 'Migraine',
    icd10: 'G43.909',
    symptoms: ['headache', 'throbbing headache', 'nausea', 'sensitivity to light', 'sensitivity to sound', 'aura'],
  },
  { condition: 'Tension-type headache', icd10: 'G44.209', symptoms: ['headache', 'pressure around head', 'neck pain', 'stress'] },
  {
    condition: 'Gastroesophageal reflux disease',
    icd10: 'K21.9',
    symptoms: ['heartburn', 'acid regurgitation', 'chest pain', 'difficulty swallowing', 'chronic cough'],
  },
  { condition: 'Acute gastroenteritis', icd10: 'A09', symptoms: ['diarrhea', 'vomiting', 'nausea', 'abdominal cramps', 'fever'] },
  { condition: 'Irritable bowel syndrome', icd10: 'K58.9', symptoms: ['abdominal pain', 'bloating', 'diarrhea', 'constipation', 'gas'] },
  {
    condition: 'Acute appendicitis',
    icd10: 'K35.80',
    symptoms: ['right lower abdominal pain', 'abdominal pain', 'fever', 'nausea', 'vomiting', 'loss of appetite'],
  },
  {
    condition: 'Urinary tract infection',
    icd10: 'N39.0',
    symptoms: ['painful urination', 'frequent urination', 'urgency', 'lower abdominal pain', 'cloudy urine'],
  },
  { condition: 'Kidney stones', icd10: 'N20.0', symptoms: ['flank pain', 'blood in urine', 'nausea', 'vomiting', 'painful urination'] },
  { condition: 'Low back pain', icd10: 'M54.50', symptoms: ['back pain', 'lower back pain', 'stiffness', 'muscle spasm'] },
  {
    condition: 'Osteoarthritis of the knee',
    icd10: 'M17.9',
    symptoms: ['knee pain', 'joint stiffness', 'joint swelling', 'reduced range of motion'],
  },
  { condition: 'Gout', icd10: 'M10.9', symptoms: ['joint pain', 'joint swelling', 'red joint', 'big toe pain'] },
  {
    condition: 'Major depressive disorder, single episode',
    icd10: 'F32.9',
    symptoms: ['low mood', 'loss of interest', 'fatigue', 'sleep problems', 'poor concentration', 'appetite change'],
  },
  {
    condition: 'Generalized anxiety disorder',
    icd10: 'F41.1',
    symptoms: ['anxiety', 'restlessness', 'worry', 'sleep problems', 'irritability', 'muscle tension'],
  },
  { condition: 'Atopic dermatitis', icd10: 'L20.9', symptoms: ['itchy skin', 'dry skin', 'rash', 'red skin patches'] },
  { condition: 'Cellulitis', icd10: 'L03.90', symptoms: ['red skin', 'skin swelling', 'warm skin', 'skin pain', 'fever'] },
  {
    condition: 'Herpes zoster (shingles)',
    icd10: 'B02.9',
    symptoms: ['painful rash', 'blisters', 'burning pain', 'itching', 'one-sided rash'],
  },
];

/** "Illness, unspecified": the answer when nothing in the table matches. */
export const NO_MATCH = { condition: 'No match in the symptom table', icd10: 'R69' };
