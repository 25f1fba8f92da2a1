import { Logger } from '@nestjs/common';
import { AppException } from '../common/errors';
import { AiProvider, DiagnosisSuggestion, NoteDraft, NoteRequest } from './ai.provider';

const ICD10 = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;

/**
 * Any OpenAI-compatible chat-completions endpoint (AI_BASE_URL, AI_API_KEY, AI_MODEL), e.g. a model
 * the hospital hosts. Every failure (network, status, timeout, unusable answer) is 502 UPSTREAM_ERROR.
 * Patients' names and identifiers are never sent.
 */
export class OpenAiProvider implements AiProvider {
  readonly name = 'openai';
  private readonly logger = new Logger('AiProvider');

  constructor(private readonly settings: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number }) {}

  private async chat(system: string, user: string, json: boolean): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.settings.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: this.settings.model,
          temperature: 0,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: user },
          ],
          ...(json ? { response_format: { type: 'json_object' } } : {}),
        }),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      this.logger.warn(`AI provider unreachable or too slow: ${error instanceof Error ? error.name : 'error'}`);
      throw new AppException('UPSTREAM_ERROR', 'The AI provider failed or timed out');
    }
    if (!response.ok) {
      this.logger.warn(`AI provider answered ${response.status}`);
      throw new AppException('UPSTREAM_ERROR', 'The AI provider failed or timed out');
    }
    try {
      const body = (await response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
      const content = body.choices?.[0]?.message?.content;
      if (typeof content !== 'string' || !content.trim()) throw new Error('empty');
      return content.trim();
    } catch {
      throw new AppException('UPSTREAM_ERROR', 'The AI provider gave an unusable answer');
    }
  }

  async draftNote(req: NoteRequest): Promise<NoteDraft> {
    const context = [
      `Template: ${req.template}. Language: ${req.language}.`,
      `Appointment: ${req.appointment.reason} (status ${req.appointment.status}).`,
      req.patientAge === null ? '' : `Patient age: ${req.patientAge}.`,
      'Recent records:',
      ...req.records.map((r) => `- ${r.createdAt.toISOString().slice(0, 10)} [${r.type}] ${r.content}`),
    ].join('\n');
    const notes = await this.chat(
      'You draft clinical notes for a doctor to review. Write only the note, in the requested template and language.',
      context,
      false,
    );
    return {
      notes,
      summary:
        notes
          .split('\n')
          .find((l) => l.trim())
          ?.slice(0, 200) ?? '',
    };
  }

  async suggestDiagnosis(symptoms: string[]): Promise<DiagnosisSuggestion> {
    const content = await this.chat(
      'You suggest one most likely diagnosis for a doctor to review. Answer only JSON: {"main_diagnosis": string, "icd_code": ICD-10 code, "reason": string}.',
      `Symptoms: ${symptoms.join('; ')}`,
      true,
    );
    try {
      const parsed = JSON.parse(content) as Partial<DiagnosisSuggestion>;
      if (
        typeof parsed.main_diagnosis !== 'string' ||
        typeof parsed.reason !== 'string' ||
        typeof parsed.icd_code !== 'string' ||
        !ICD10.test(parsed.icd_code)
      ) {
        throw new Error('shape');
      }
      return { main_diagnosis: parsed.main_diagnosis, icd_code: parsed.icd_code, reason: parsed.reason };
    } catch {
      throw new AppException('UPSTREAM_ERROR', 'The AI provider gave an unusable answer');
    }
  }
}
