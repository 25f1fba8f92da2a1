import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllExceptionsFilter } from '../common/all-exceptions.filter';
import { AppException } from '../common/errors';
import { FHIR_ERROR_FORMAT, isFhirRequest } from './operation-outcome';

/** Runs the application's filter (with the FHIR format) on one error for one request; returns what was sent. */
function send(exception: unknown, url: string, routed = true) {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    header(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return this;
    },
    headers(values: Record<string, string>) {
      for (const [k, v] of Object.entries(values)) this.header(k, v);
      return this;
    },
    send(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const request = { id: 'req-1', method: 'GET', url, routeOptions: routed ? { url: '/fhir/R4/Patient/:id' } : {} };
  new AllExceptionsFilter([FHIR_ERROR_FORMAT]).respond(exception, request as unknown as FastifyRequest, reply as unknown as FastifyReply);
  return sent;
}

describe('errors under /fhir are OperationOutcomes', () => {
  it('applies to /fhir and below only; the JSON API keeps its envelope', () => {
    expect(['/fhir', '/fhir/R4/Patient', '/fhir?x=1'].map(isFhirRequest)).toEqual([true, true, true]);
    expect(['/fhirx', '/api/fhir', '/'].map(isFhirRequest)).toEqual([false, false, false]);
    const api = send(new AppException('NOT_OWNER'), '/api/patients/1');
    expect(api.status).toBe(403);
    expect(api.body).toMatchObject({ success: false, code: 'NOT_OWNER' });
  });

  it("someone else's resource is 404 with exactly the body of a missing one", () => {
    const foreign = send(new AppException('NOT_OWNER'), '/fhir/R4/Patient/1');
    const missing = send(new AppException('NOT_FOUND', 'Patient not found'), '/fhir/R4/Patient/2');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect(foreign.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'not-found',
          details: { coding: [{ system: 'urn:medisync:error-code', code: 'NOT_FOUND' }] },
          diagnostics: 'Resource not found',
        },
      ],
    });
    expect(foreign.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(foreign.headers['x-request-id']).toBe('req-1');
  });

  it('a path no route serves is not-supported; validation gives one issue per problem; headers such as Retry-After stay', () => {
    expect(send(new AppException('NOT_FOUND', 'Route not found'), '/fhir/R4/Observation', false).body).toMatchObject({
      issue: [{ code: 'not-supported' }],
    });
    const invalid = send(
      AppException.validation([
        { field: '_count', message: 'must be a whole number of at least 1' },
        { field: 'gender', message: 'is not a supported parameter here' },
      ]),
      '/fhir/R4/Patient',
    );
    expect(invalid.status).toBe(400);
    expect((invalid.body as { issue: Array<{ code: string; diagnostics: string }> }).issue.map((i) => [i.code, i.diagnostics])).toEqual([
      ['invalid', '_count: must be a whole number of at least 1'],
      ['invalid', 'gender: is not a supported parameter here'],
    ]);
    const limited = send(new AppException('RATE_LIMITED', 'Too many requests', undefined, { 'retry-after': '30' }), '/fhir/R4/Patient');
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '30']);
    expect(limited.body).toMatchObject({ issue: [{ code: 'throttled' }] });
    const crashed = send(new Error('SELECT secret FROM somewhere'), '/fhir/R4/Patient');
    expect(crashed.status).toBe(500);
    expect(crashed.body).toMatchObject({ issue: [{ severity: 'fatal', code: 'exception', diagnostics: 'Internal server error' }] });
  });
});
