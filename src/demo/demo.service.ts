import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { permissionsFor } from '../auth/permissions';
import { AuthService } from '../auth/auth.service';
import { isActive } from '../subscriptions/plans';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { UsersService } from '../users/users.service';
import { AyushPermissions, DEFAULT_DEMO_USER_ID, DemoLoginDto, DemoLoginResponseDto, DemoRole } from './dto/demo.dto';
import { DemoAudit } from './demo.audit';

/** The roles demo accounts have: Ayush Synapse's `clinician` is a `doctor`. */
export type DemoAccountRole = 'doctor' | 'admin';

export const accountRoleOf = (role: DemoRole): DemoAccountRole => (role === 'clinician' ? 'doctor' : role);

/** Reserved for documentation (RFC 2606): no mail is ever delivered there. */
const DEMO_EMAIL_DOMAIN = 'demo.medisync.invalid';

/**
 * The email of the demo account of this role and `user_id`. The `user_id` is any non-empty string, so
 * it never goes into the address itself: a SHA-256 of its exact UTF-16 code units (so no two distinct
 * strings share an account, whatever their letter case, length or characters, lone surrogates
 * included) gives a short, lower-case, always valid local part.
 */
export function demoAccountEmail(role: DemoAccountRole, userId: string): string {
  const digest = createHash('sha256').update(Buffer.from(userId, 'utf16le')).digest('hex').slice(0, 40);
  return `demo-${role}-${digest}@${DEMO_EMAIL_DOMAIN}`;
}

/** Ayush Synapse's flags: everything is accessible in demo mode. */
const AYUSH_DEMO_PERMISSIONS: AyushPermissions = {
  can_access_all_endpoints: true,
  can_view_all_data: true,
  can_perform_translations: true,
  can_access_fhir_resources: true,
};

/**
 * Password-less demo accounts (DEMO_MODE=true only; production refuses to start with it): one per
 * role and distinct `user_id`, so two demo users never see each other's patients. A demo doctor gets
 * an active Professional subscription so every feature can be shown. The token is an ordinary token of
 * the account, checked by the same guards as any other.
 */
@Injectable()
export class DemoService {
  constructor(
    private readonly users: UsersService,
    private readonly subscriptions: SubscriptionsService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  /** `defaultRole`: what an omitted `role` means on the route called (`clinician` on /auth/login, `doctor` on /api/auth/demo-login). */
  async login(dto: DemoLoginDto, defaultRole: DemoRole): Promise<DemoLoginResponseDto> {
    const asked = dto.role ?? defaultRole;
    const userId = dto.user_id ?? DEFAULT_DEMO_USER_ID;
    const role = accountRoleOf(asked);
    const email = demoAccountEmail(role, userId);
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
    if (user.role === 'doctor' && !isActive(subscription)) {
      subscription = await this.subscriptions.set(user.id, user.id, {
        plan: 'professional',
        status: 'active',
        currentPeriodEnd: new Date(Date.now() + 30 * 24 * 60 * 60 * 1000),
      });
    }
    const { token } = await this.auth.signIn(user, { remember: false, amr: ['pwd'] });
    // the role only: a user_id is any text of any length, and the account (target) already names it
    await this.audit.record({ action: DemoAudit.login, actorId: user.id, targetId: user.id, details: { role: asked } });
    return {
      success: true,
      message: 'Authentication successful',
      token,
      user_id: userId,
      uid: user.id,
      role: asked,
      permissions: { ...AYUSH_DEMO_PERMISSIONS, ...permissionsFor(user.role, subscription) },
      demo_mode: true,
    };
  }
}
