import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Public } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { UuidParam } from '../common/uuid-param';
import { AcceptInvitationDto, AcceptInvitationResponseDto, InviteDto, InviteResponseDto } from './dto/invitations.dto';
import { InvitationsService } from './invitations.service';

@ApiTags('patients')
@Controller()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  /**
   * Emails a single-use patient-portal invitation valid 7 days, linking to `APP_URL/accept-invitation?token=…`.
   * An account may send at most `INVITES_PER_DAY` (default 20) invitations in 24 hours; over that,
   * 429 `RATE_LIMITED` with `Retry-After`.
   */
  @Post('patients/:id/invite')
  @Auth({ roles: ['doctor'], owns: { resource: 'patient', param: 'id' }, quota: 'invitations' })
  @HttpCode(202)
  @ApiOperation({ operationId: 'invitePatient', summary: 'Invite a patient to the portal' })
  @ApiAcceptedResponse({ type: InviteResponseDto })
  @ApiErrors(
    400,
    [409, 'CONFLICT: already has an account; EMAIL_TAKEN: the email has an account'],
    [502, 'UPSTREAM_ERROR: the email could not be sent'],
    415,
  )
  async invite(@CurrentUser() user: Principal, @UuidParam('id') id: string, @Body() dto: InviteDto): Promise<InviteResponseDto> {
    const { expiresAt } = await this.invitations.invite(user, id, dto.email);
    return { success: true, message: 'Invitation sent', expiresAt: expiresAt.toISOString() };
  }

  /** Spends the invitation token and creates a verified `patient` account (the email the doctor invited). */
  @Post('invitations/accept')
  @Public()
  @ApiOperation({ operationId: 'acceptInvitation', summary: 'Accept a patient-portal invitation' })
  @ApiErrors([400, 'VALIDATION_ERROR (password names the rule)'], [409, 'EMAIL_TAKEN'], 410, 415)
  async accept(@Body() dto: AcceptInvitationDto): Promise<AcceptInvitationResponseDto> {
    const account = await this.invitations.accept(dto.token, dto.password);
    return { success: true, uid: account.id, email: account.email, role: 'patient', emailVerified: true };
  }
}
