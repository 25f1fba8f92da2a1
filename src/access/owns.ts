import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/**
 * The resources whose rows belong to someone. Each has an OwnershipPolicy in its own module (e.g.
 * PatientAccessPolicy in patients/), registered with the AccessService; add a name here, then its policy.
 * A `doctor` is owned by itself, and with `orPatient` seen by its patients (DoctorAccessPolicy, patients/).
 */
export type OwnedResource = 'patient' | 'appointment' | 'record' | 'doctor' | 'session';

/** An ownership declaration: the id in `param` must name a `resource` the caller may act on. */
export interface OwnsRule {
  resource: OwnedResource;
  /** The request field that holds the id. */
  param: string;
  /** Where the field is: a path parameter (default), or a property of the JSON body. */
  in?: 'path' | 'body';
  /** Also admit the patient the resource is about (their portal account), e.g. for reading. */
  orPatient?: boolean;
}

export const OWNS_KEY = 'medisync:owns';

/** Sets the ownership rule of a route; declared through `@Auth({ owns })`. */
export const Owns = (rule: OwnsRule | null) => SetMetadata(OWNS_KEY, rule);

export function ownsOf(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): OwnsRule | null {
  return reflector.getAllAndOverride<OwnsRule | null | undefined>(OWNS_KEY, targets) ?? null;
}
