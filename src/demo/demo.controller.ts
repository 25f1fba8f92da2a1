import { applyDecorators, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { ApiErrors } from '../common/api-errors';
import { DemoService } from './demo.service';
import { AyushLoginDto, DemoLoginDto, DemoLoginResponseDto } from './dto/demo.dto';

/** The answers of both demo logins: the Ayush-shaped response, or one of these errors. */
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

/** Both routes exist only when DEMO_MODE=true (production refuses it); otherwise they are 404 like any unknown route. */
@ApiTags('auth')
@Controller('auth')
export class DemoController {
  constructor(private readonly demo: DemoService) {}

  /**
   * Ayush Synapse's demo login, exactly as its documentation shows it, at its path: no /api prefix.
   * A token for the demo account of this `user_id` and role, without a password. `role` defaults to
   * `clinician` (a doctor with an active subscription); `user_id` and `role` are echoed back as sent.
   */
  @Post('login') // excluded from the /api prefix in GLOBAL_PREFIX (app.setup.ts)
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: 'ayushLogin', summary: 'Demo login, Ayush Synapse’s path (DEMO_MODE only)' })
  @DemoLoginResponses()
  ayushLogin(@Body() dto: AyushLoginDto): Promise<DemoLoginResponseDto> {
    return this.demo.login(dto, 'clinician');
  }

  /**
   * The same demo login under /api, with the same body and response; `role` defaults to `doctor`.
   * `user_id` is echoed as sent (it was the account id before v2: that is now `uid`).
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
