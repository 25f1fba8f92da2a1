import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MinLength } from 'class-validator';
import { PermissionsDto } from '../../auth/dto/auth.dto';
import { SuccessDto } from '../../common/common.dto';
import { IsOptionalNonNull } from '../../common/validators';

/** The roles a demo login may ask for: `clinician` is Ayush Synapse's name for a `doctor`. */
export const DEMO_ROLES = ['clinician', 'doctor', 'admin'] as const;
export type DemoRole = (typeof DEMO_ROLES)[number];

/** The `user_id` of a demo login that names none (Ayush Synapse's default). */
export const DEFAULT_DEMO_USER_ID = 'demo_user';

/**
 * Any non-empty string, kept exactly as sent (no trimming, no case folding): it is echoed back, and
 * each distinct value gets its own demo account. Only the request body limit bounds its length.
 */
const DemoUserId = () =>
  applyDecorators(
    IsOptionalNonNull(),
    IsString(),
    MinLength(1),
    ApiProperty({
      required: false,
      minLength: 1,
      default: DEFAULT_DEMO_USER_ID,
      example: 'dr_sharma',
      description:
        'Any non-empty string, echoed back exactly as sent. Each distinct value (compared exactly: `Dr_Sharma` and `dr_sharma` are two users) has its own demo account with its own patients; the same value with `admin` is a separate admin account. Omitted: "demo_user".',
    }),
  );

const DemoRoleProperty = (defaultRole: DemoRole) =>
  applyDecorators(
    IsOptionalNonNull(),
    IsIn(DEMO_ROLES),
    ApiProperty({
      required: false,
      enum: DEMO_ROLES,
      default: defaultRole,
      example: 'clinician',
      description:
        '`clinician` and `doctor` both give a demo doctor (with an active Professional subscription); `admin` a demo admin. Echoed back as sent.',
    }),
  );

/** `POST /auth/login`: Ayush Synapse's demo login, exactly as its documentation shows it. */
export class AyushLoginDto {
  @DemoUserId()
  user_id?: string;

  @DemoRoleProperty('clinician')
  role?: DemoRole;
}

/** `POST /api/auth/demo-login`: the same body; the role defaults to `doctor` (v1). */
export class DemoLoginDto {
  @DemoUserId()
  user_id?: string;

  @DemoRoleProperty('doctor')
  role?: DemoRole;
}

/** Ayush Synapse's four permission flags: all true in demo mode ("all features are accessible regardless of role"). */
export interface AyushPermissions {
  can_access_all_endpoints: boolean;
  can_view_all_data: boolean;
  can_perform_translations: boolean;
  can_access_fhir_resources: boolean;
}

/** Ayush Synapse's four flags, with MediSync's four (derived from the demo account's role and subscription) beside them. */
export class DemoPermissionsDto extends PermissionsDto implements AyushPermissions {
  @ApiProperty({ example: true })
  can_access_all_endpoints: boolean;
  @ApiProperty({ example: true })
  can_view_all_data: boolean;
  @ApiProperty({ example: true })
  can_perform_translations: boolean;
  @ApiProperty({ example: true })
  can_access_fhir_resources: boolean;
}

/** Ayush Synapse's login response (plus MediSync's `success` and the account's `uid`). */
export class DemoLoginResponseDto extends SuccessDto {
  @ApiProperty({ enum: ['Authentication successful'], example: 'Authentication successful' })
  message: 'Authentication successful';

  /** HS256 JWT for the Authorization: Bearer header (24 hours), accepted like any token of the account's role. */
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload>.<signature>' })
  token: string;

  /** The `user_id` of the request, exactly as sent ("demo_user" when omitted); not the account id. */
  @ApiProperty({ example: 'dr_sharma' })
  user_id: string;

  /** The demo account's id (the token's `sub`; `GET /api/users/me` shows it too). */
  @ApiProperty({ format: 'uuid' })
  uid: string;

  /** The `role` of the request, exactly as sent (or the route's default). */
  @ApiProperty({ enum: DEMO_ROLES, example: 'clinician' })
  role: DemoRole;

  @ApiProperty({ type: DemoPermissionsDto })
  permissions: DemoPermissionsDto;

  @ApiProperty({ enum: [true], example: true })
  demo_mode: true;
}
