import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SuccessDto } from '../../common/common.dto';
import { PageMetaDto, PaginationQueryDto } from '../../common/pagination.dto';
import { IsOptionalNonNull, Trim } from '../../common/validators';
import { ROLES, Role, User } from '../user.entity';
import { toUserDto, UserDto } from './users.dto';

export class AdminUserQueryDto extends PaginationQueryDto {
  /** Matches part of the email, first name, last name or full name, in any letter case. */
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  @ApiProperty({ required: false, example: 'doe' })
  q?: string;
}

export class AdminUserDto extends UserDto {
  disabled: boolean;
}

export function toAdminUserDto(user: User): AdminUserDto {
  return { ...toUserDto(user), disabled: user.disabledAt !== null };
}

export class AdminUserPageDto extends SuccessDto {
  data: AdminUserDto[];
  meta: PageMetaDto;
}

export class AdminUserResponseDto extends SuccessDto {
  user: AdminUserDto;
}

/** Send at least one. Disabling revokes every token of the account at once and blocks its logins. */
export class AdminUpdateUserDto {
  @IsOptionalNonNull()
  @IsIn(ROLES)
  @ApiProperty({ required: false, enum: ROLES })
  role?: Role;

  @IsOptionalNonNull()
  @IsBoolean()
  @ApiProperty({ required: false })
  disabled?: boolean;
}
