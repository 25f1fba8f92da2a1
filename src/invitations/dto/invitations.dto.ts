import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { SuccessDto } from '../../common/common.dto';
import { IsAccountEmail, IsPassword } from '../../common/validators';

export class InviteDto {
  @IsAccountEmail()
  email: string;
}

export class InviteResponseDto extends SuccessDto {
  message: string;
  /** When the invitation link stops working (7 days). */
  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
}

export class AcceptInvitationDto {
  @IsString()
  @MaxLength(256)
  @ApiProperty({ example: 'q8f1Y2kM3xN4bP5cR6dS7eT8fU9gV0hW1iX2jY3kZ4l' })
  token: string;

  @IsPassword()
  password: string;
}

export class AcceptInvitationResponseDto extends SuccessDto {
  @ApiProperty({ format: 'uuid' })
  uid: string;
  email: string;
  @ApiProperty({ enum: ['patient'] })
  role: 'patient';
  @ApiProperty({ enum: [true] })
  emailVerified: true;
}
