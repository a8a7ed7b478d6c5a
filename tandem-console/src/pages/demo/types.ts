// The guided demo's admin API (DemoMode.java, DemoConsole.java): GET /demo, GET /demo/activity,
// POST /demo/actions/{action}.

export type Touchpoint = 'customer360' | 'orderToCash' | 'productsInventory' | 'errorHandling';

export interface DemoAction {
  id: string;
  label: string;
  touchpoint: Touchpoint;
  description: string;
}

export interface DemoSandboxes {
  clarity: { baseUrl: string; orders: number; customers: number };
  salesforce: {
    baseUrl: string;
    orders: number;
    accounts: number;
    contacts: number;
    apiRequests: number;
    faults: {
      serverErrorRate: number;
      lockErrorRate: number;
      broken: boolean;
      brokenUntil: string | null;
      /** How the outage fails calls: 503s, or answers held past Tandem's timeout (slow-salesforce). */
      mode?: 'unavailable' | 'timeout' | null;
      /** How long the sandbox holds each answer, and Tandem's Salesforce request timeout. */
      latencyMillis?: number;
      timeoutMillis?: number;
    };
  };
}

export interface DemoInfo {
  enabled: boolean;
  actions?: DemoAction[];
  sandboxes?: DemoSandboxes;
}

export type Outcome = 'synced' | 'retrying' | 'dead-lettered' | 'skipped' | 'skipped as unchanged' | 'echo dropped'
  | 'pending' | 'no flow' | string;

export interface ActivityEvent {
  offset: number;
  source: string;
  direction: 'clarity-to-salesforce' | 'salesforce-to-clarity';
  type: string;
  entity: string;
  entityId: string;
  entityKey: string;
  receivedAt: string;
  outcome: Outcome;
  flows: { flow: string; decision: string; detail: string | null; at: string }[];
}

export interface Activity {
  events: ActivityEvent[];
  pausedFlows: { flow: string; system: string; cause: string; detail: string; since: string }[];
  retriesPending: number;
}

export interface ActionDone {
  action: string;
  message: string;
  key?: string;
  entity?: string;
  brokenUntil?: string;
  mode?: string;
}
