import { Injectable } from '@nestjs/common';

/**
 * Whether this instance wants traffic, apart from its database: false from SIGTERM on, so that
 * `/health/ready` answers 503 and load balancers and the Kubernetes endpoints stop sending requests
 * while the server still serves them for SHUTDOWN_DRAIN_MS (see main.ts).
 */
@Injectable()
export class Readiness {
  private draining = false;

  get accepting(): boolean {
    return !this.draining;
  }

  /** From now on /health/ready answers 503; everything else keeps working. */
  drain(): void {
    this.draining = true;
  }
}
