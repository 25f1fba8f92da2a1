import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { MessageDto } from '../common/common.dto';
import { ChangePasswordDto, profileFromDto, toUserDto, UpdateProfileDto, UserResponseDto } from './dto/users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users/me')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** The caller's own account. */
  @Get()
  @Auth()
  @ApiOperation({ operationId: 'getMe', summary: 'Read my account' })
  me(@CurrentUser() principal: Principal): UserResponseDto {
    // the row the access check read for this request (a change on any instance drops it at commit)
    return { success: true, user: toUserDto(principal.account) };
  }

  /** Changes profile fields only; email, role and verification are not editable here. */
  @Patch()
  @Auth()
  @ApiOperation({ operationId: 'updateMe', summary: 'Update my profile' })
  @ApiErrors(400, 415)
  async update(@CurrentUser() principal: Principal, @Body() dto: UpdateProfileDto): Promise<UserResponseDto> {
    const user = await this.users.updateProfile(principal.id, profileFromDto(dto));
    return { success: true, user: toUserDto(user) };
  }

  /** Needs the current password; every token issued before, this one included, is revoked. Log in again. */
  @Post('password')
  @Auth()
  @HttpCode(200)
  @ApiOperation({ operationId: 'changeMyPassword', summary: 'Change my password' })
  @ApiErrors([400, 'VALIDATION_ERROR: newPassword breaks the rule, or currentPassword is incorrect'], 415)
  async changePassword(@CurrentUser() principal: Principal, @Body() dto: ChangePasswordDto): Promise<MessageDto> {
    await this.users.changePassword(principal.id, dto.currentPassword, dto.newPassword);
    return { success: true, message: 'Password changed; log in again' };
  }
}
