import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { permissionsFor } from '../auth/permissions';
import { TokenService } from '../auth/token.service';
import { isActive } from '../subscriptions/plans';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { UsersService } from '../users/users.service';
import { DemoLoginDto, DemoLoginResponseDto } from './dto/demo.dto';
import { DemoAudit } from './demo.audit';

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
    const { token } = await this.tokens.issue(user);
    await this.audit.record({ action: DemoAudit.login, actorId: user.id, targetId: user.id, details: { role } });
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
