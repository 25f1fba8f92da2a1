import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { SuccessDto } from '../../common/common.dto';
import { IsAccountEmail, IsPassword } from '../../common/validators';

export class TokenDto {
  /** The `token` query parameter of the emailed link. */
  @IsString()
  @MaxLength(256)
  @ApiProperty({ example: 'q8f1Y2kM3xN4bP5cR6dS7eT8fU9gV0hW1iX2jY3kZ4l' })
  token: string;
}

export class VerifiedResponseDto extends SuccessDto {
  @ApiProperty({ enum: [true] })
  emailVerified: true;
}

export class EmailDto {
  @IsAccountEmail()
  email: string;
}

export class ResetPasswordDto {
  @IsString()
  @MaxLength(256)
  @ApiProperty({ example: 'q8f1Y2kM3xN4bP5cR6dS7eT8fU9gV0hW1iX2jY3kZ4l' })
  token: string;

  @IsPassword('Battery-Staple-7')
  password: string;
}
