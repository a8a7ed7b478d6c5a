// /api/v1/alerts/* (docs/operations.md, "Alerts"), as the Alerts page reads them.

export interface AlertRuleView {
  name: string;
  condition: string;
  severity: string;
  describe: string;
  threshold?: number;
  window?: string;
  flow?: string;
  perFlow?: boolean;
  minEvents?: number;
  silentFor?: string;
  olderThan?: string;
  channels: string[];
  source: 'api' | 'config';
}

export interface ConditionView {
  name: string;
  unit: string;
  thresholdRequired: boolean;
  keys: string[];
}

export interface RulesAnswer {
  items: AlertRuleView[];
  enabled: boolean;
  channels: string[];
  conditions: ConditionView[];
}

export interface Firing {
  rule: string;
  flow: string | null;
  source: string | null;
  since: string;
  lastSent: string | null;
  summary: string;
}

export interface SentAlertView {
  alert: {
    id: string;
    rule: string;
    condition: string;
    severity: string;
    state: string;
    test: boolean;
    flow: string | null;
    summary: string;
    at: string;
  };
  delivered: boolean;
  deliveries: { channel: string; delivered: boolean; detail: string }[];
}

/** The form's fields, all as text (the server checks them, as it checks tandem.yaml). */
export interface RuleForm {
  name: string;
  condition: string;
  severity: string;
  threshold: string;
  window: string;
  flow: string;
  perFlow: boolean;
  minEvents: string;
  silentFor: string;
  olderThan: string;
  channels: string[];
}

export const EMPTY_FORM: RuleForm = {
  name: '', condition: 'deadLetters', severity: 'warning', threshold: '', window: '', flow: '', perFlow: false,
  minEvents: '', silentFor: '', olderThan: '', channels: [],
};

export function formOf(r: AlertRuleView): RuleForm {
  return {
    name: r.name, condition: r.condition, severity: r.severity,
    threshold: r.threshold === undefined ? '' : String(r.threshold), window: r.window ?? '', flow: r.flow ?? '',
    perFlow: r.perFlow ?? false, minEvents: r.minEvents === undefined ? '' : String(r.minEvents),
    silentFor: r.silentFor ?? '', olderThan: r.olderThan ?? '', channels: [...r.channels],
  };
}

/** The rule as the API takes it: only the keys that apply to the condition and were filled in. */
export function ruleOf(f: RuleForm, condition: ConditionView | undefined): Record<string, unknown> {
  const keys = new Set(condition?.keys ?? []);
  const rule: Record<string, unknown> = { name: f.name.trim(), condition: f.condition, severity: f.severity,
    channels: f.channels };
  const text = (k: 'window' | 'flow' | 'silentFor' | 'olderThan') => {
    if (keys.has(k) && f[k].trim()) {
      rule[k] = f[k].trim();
    }
  };
  if (keys.has('threshold') && f.threshold.trim()) {
    const n = Number(f.threshold);
    rule.threshold = Number.isFinite(n) ? n : f.threshold.trim();
  }
  if (keys.has('minEvents') && f.minEvents.trim()) {
    const n = Number(f.minEvents);
    rule.minEvents = Number.isInteger(n) ? n : f.minEvents.trim();
  }
  text('window');
  text('flow');
  text('silentFor');
  text('olderThan');
  if (keys.has('perFlow') && f.perFlow) {
    rule.perFlow = true;
  }
  return rule;
}
