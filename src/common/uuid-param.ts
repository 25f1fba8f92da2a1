import { Param, ParseUUIDPipe } from '@nestjs/common';
import { AppException } from './errors';

/** A path parameter that must be a UUID: anything else is 400 VALIDATION_ERROR naming it. */
export const UuidParam = (name: string) =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => AppException.validation([{ field: name, message: `${name} must be a UUID` }]) }));
