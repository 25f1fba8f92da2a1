import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { ApiErrors } from '../common/api-errors';
import { DemoService } from './demo.service';
import { DemoLoginDto, DemoLoginResponseDto } from './dto/demo.dto';

@ApiTags('auth')
@Controller('auth')
export class DemoController {
  constructor(private readonly demo: DemoService) {}

  /** Exists only when DEMO_MODE=true: a token for a demo account of the asked role, without a password. */
  @Post('demo-login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: 'demoLogin', summary: 'Demo login (DEMO_MODE only)' })
  @ApiErrors(400, 415)
  login(@Body() dto: DemoLoginDto): Promise<DemoLoginResponseDto> {
    return this.demo.login(dto);
  }
}
