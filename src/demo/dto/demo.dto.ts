import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PermissionsDto } from '../../auth/dto/auth.dto';
import { SuccessDto } from '../../common/common.dto';
import type { Role } from '../../users/user.entity';

export const DEMO_ROLES = ['doctor', 'admin'] as const;

export class DemoLoginDto {
  /** Picks a separate demo account (letters, digits, `-`, `_`); omitted: the shared one of the role. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'user_id must be 1 to 40 letters, digits, - or _' })
  @ApiProperty({ required: false, example: 'alice' })
  user_id?: string;

  @IsOptional()
  @IsIn(DEMO_ROLES)
  @ApiProperty({ required: false, enum: DEMO_ROLES, default: 'doctor' })
  role?: (typeof DEMO_ROLES)[number];
}

export class DemoLoginResponseDto extends SuccessDto {
  @ApiProperty({ example: 'Authentication successful' })
  message: string;
  token: string;
  /** The demo account's id. */
  @ApiProperty({ format: 'uuid' })
  user_id: string;
  @ApiProperty({ enum: DEMO_ROLES })
  role: Role;
  permissions: PermissionsDto;
  @ApiProperty({ enum: [true] })
  demo_mode: true;
}
