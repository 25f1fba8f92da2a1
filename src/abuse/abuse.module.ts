import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { COUNTER_STORE, MemoryCounterStore } from './counter-store';
import { LockoutService } from './lockout.service';
import { RateLimitGuard } from './rate-limit';

/** Rate limits (RateLimitGuard, the first global guard; see AppModule) and the login lockout. */
@Global()
@Module({
  imports: [ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: 60_000, limit: 300 }] })],
  providers: [{ provide: COUNTER_STORE, useClass: MemoryCounterStore }, LockoutService, RateLimitGuard],
  exports: [LockoutService, COUNTER_STORE, ThrottlerModule, RateLimitGuard],
})
export class AbuseModule {}
