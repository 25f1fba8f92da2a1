import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { UsersModule } from '../users/users.module';
import { DemoController } from './demo.controller';
import { DemoService } from './demo.service';

@Module({})
export class DemoModule {
  /** Without DEMO_MODE the route is not registered at all (404 like any unknown route). */
  static register(enabled: boolean): DynamicModule {
    if (!enabled) return { module: DemoModule };
    return {
      module: DemoModule,
      imports: [AuditModule, UsersModule, SubscriptionsModule, AuthModule],
      controllers: [DemoController],
      providers: [DemoService],
    };
  }
}
