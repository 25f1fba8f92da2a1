/**
 * The channel on which the database announces every change to an account's access, with the account
 * id as payload (triggers of migration AccessChangeNotifications, which spells the name itself).
 *
 * Every pooled connection LISTENs on it (see dataSourceOptions), so the connection that commits a
 * change receives the announcement in the same answer as its COMMIT, before the service replies: the
 * instance that made a change never serves the old state. Other instances hear it on their own
 * connections, and on a dedicated listener connection that stays open when the pool is idle.
 */
export const ACCESS_CHANGED_CHANNEL = 'medisync_access_changed';
