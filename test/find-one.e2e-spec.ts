import { DataSource } from 'typeorm';
import { findOneWhere } from '../src/common/find-one';
import { Subscription } from '../src/subscriptions/subscription.entity';
import { User } from '../src/users/user.entity';
import { startTestApp, TestContext, verifiedDoctor } from './support/app';

/** The hand-written single-row read (no query builder) gives exactly the entity TypeORM's findOne gives. */
describe('findOneWhere', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('reads a user and the newest subscription as TypeORM does, and null when nothing matches', async () => {
    const doctor = await verifiedDoctor(ctx);
    await ctx.http.post('/api/subscriptions/trial').set('Authorization', `Bearer ${doctor.token}`).expect(201);
    const { manager } = ctx.app.get(DataSource);

    const user = await findOneWhere(manager, User, 'email = $1', [doctor.email]);
    expect(user).toBeInstanceOf(User);
    expect(user).toEqual(await manager.findOneBy(User, { email: doctor.email }));
    expect(user?.createdAt).toBeInstanceOf(Date);

    const subscription = await findOneWhere(manager, Subscription, 'user_id = $1', [doctor.uid], 'created_at DESC, id DESC');
    expect(subscription).toEqual(
      await manager.findOne(Subscription, { where: { userId: doctor.uid }, order: { createdAt: 'DESC', id: 'DESC' } }),
    );
    expect(subscription).toMatchObject({ userId: doctor.uid, plan: 'professional', isTrial: true });

    expect(await findOneWhere(manager, User, 'email = $1', ['nobody@example.org'])).toBeNull();
  });
});
