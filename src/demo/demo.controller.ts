import { applyDecorators, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { ApiErrors } from '../common/api-errors';
import { DemoService } from './demo.service';
import { DemoLoginDto, DemoLoginResponseDto } from './dto/demo.dto';

/** The answers of the demo login: the Ayush-shaped response, or one of these errors. */
const DemoLoginResponses = () =>
  applyDecorators(
    ApiOkResponse({ type: DemoLoginResponseDto, description: 'A token for the demo account; user_id and role echoed as sent' }),
    ApiErrors(
      [
        400,
        'VALIDATION_ERROR: user_id empty, null or not a string; role null or not one of clinician, doctor, admin; another property; or a body that is not a JSON object (send {} for the defaults)',
      ],
      413,
      415,
      429,
      503,
    ),
  );

/** Exists only when DEMO_MODE=true (production refuses it); otherwise it is 404 like any unknown route. */
@ApiTags('auth')
@Controller('auth')
export class DemoController {
  constructor(private readonly demo: DemoService) {}

  /**
   * A token for the demo account of this `user_id` and role, without a password. `role` defaults to
   * `doctor`; `user_id` is echoed as sent (it was the account id before v2: that is now `uid`).
   */
  @Post('demo-login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: 'demoLogin', summary: 'Demo login (DEMO_MODE only)' })
  @DemoLoginResponses()
  login(@Body() dto: DemoLoginDto): Promise<DemoLoginResponseDto> {
    return this.demo.login(dto, 'doctor');
  }
}
