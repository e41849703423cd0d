/** The `ctx.wokenBy` causes of passes the drift poller queues: an admin event, or a gap in the feed. */
export const DRIFT_CAUSES = { adminEvent: 'AdminEvent', feedGap: 'AdminEventGap' } as const;
