import { randomBytes } from 'node:crypto';
import { Body, Controller, DynamicModule, HttpCode, Injectable, Module, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { AuditService } from '../audit/audit.service';
import { SuccessDto } from '../common/common.dto';
import { ApiErrors } from '../common/api-errors';
import { isActive } from '../subscriptions/plans';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { Role } from '../users/user.entity';
import { UsersModule } from '../users/users.module';
import { UsersService } from '../users/users.service';
import { AuthModule } from './auth.module';
import { Public } from './decorators';
import { PermissionsDto } from './dto/auth.dto';
import { permissionsFor } from './permissions';
import { TokenService } from './token.service';

const DEMO_ROLES = ['doctor', 'admin'] as const;

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

/**
 * Password-less demo accounts (DEMO_MODE=true only; production refuses to start with it). A demo
 * doctor gets an active Professional subscription so every feature can be shown.
 */
@Injectable()
export class DemoService {
  constructor(
    private readonly users: UsersService,
    private readonly subscriptions: SubscriptionsService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async login(dto: DemoLoginDto): Promise<DemoLoginResponseDto> {
    const role = dto.role ?? 'doctor';
    const email = `demo-${role}${dto.user_id ? `-${dto.user_id.toLowerCase()}` : ''}@demo.medisync.invalid`;
    let user = await this.users.findByEmail(email);
    if (!user) {
      try {
        user = await this.users.create({
          email,
          password: randomBytes(32).toString('base64url'), // never told to anyone: demo accounts have no usable password
          role,
          title: role === 'doctor' ? 'Dr.' : null,
          firstName: 'Demo',
          lastName: role === 'doctor' ? 'Doctor' : 'Admin',
          emailVerified: true,
        });
      } catch (error) {
        user = await this.users.findByEmail(email); // created by a parallel demo login
        if (!user) throw error;
      }
    }
    let subscription = await this.subscriptions.current(user.id);
    if (role === 'doctor' && !isActive(subscription)) {
      subscription = await this.subscriptions.set(user.id, user.id, {
        plan: 'professional',
        status: 'active',
        currentPeriodEnd: new Date(Date.now() + 30 * 24 * 60 * 60 * 1000),
      });
    }
    const { token } = this.tokens.issue(user);
    await this.audit.record({ action: 'login.demo', actorId: user.id, targetId: user.id, details: { role } });
    return {
      success: true,
      message: 'Authentication successful',
      token,
      user_id: user.id,
      role: user.role,
      permissions: permissionsFor(user.role, subscription),
      demo_mode: true,
    };
  }
}

@ApiTags('auth')
@Controller('api/auth')
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

@Module({})
export class DemoModule {
  /** Without DEMO_MODE the route is not registered at all (404 like any unknown route). */
  static register(enabled: boolean): DynamicModule {
    if (!enabled) return { module: DemoModule };
    return {
      module: DemoModule,
      imports: [UsersModule, SubscriptionsModule, AuthModule],
      controllers: [DemoController],
      providers: [DemoService],
    };
  }
}
