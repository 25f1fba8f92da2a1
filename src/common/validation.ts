import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppException, ErrorDetail } from './errors';

/** Flattens class-validator's tree into `{field, message}` rows with dotted paths. */
export function toDetails(errors: ValidationError[], parent = ''): ErrorDetail[] {
  const rows: ErrorDetail[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      rows.push({ field, message: rule === 'whitelistValidation' ? `${field} is not allowed` : message });
    }
    if (error.children?.length) rows.push(...toDetails(error.children, field));
  }
  return rows;
}

/**
 * The global pipe: unknown properties are refused, nothing is converted implicitly ("false" is not
 * a boolean), and a body that is not a JSON object is a VALIDATION_ERROR.
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => AppException.validation(toDetails(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw AppException.validation([{ field: 'body', message: 'Body must be a JSON object' }]);
      }
    }
    return super.transform(value, metadata);
  }
}
