// The shared world every route handler works on.
import type { VirtualClock } from "./clock";
import type { AppConfig, EmulatorConfig, RuNameConfig } from "./config";
import type { NotificationOutbox } from "./notification-outbox";
import type { EmulatorState } from "./state";

export interface EmulatorContext {
  config: EmulatorConfig;
  state: EmulatorState;
  clock: VirtualClock;
  /** Where revocations and the control API queue notifications to the product's endpoints. */
  notifications: NotificationOutbox;
  appsByClientId: Map<string, AppConfig>;
  ruNames: Map<string, { app: AppConfig; ruName: RuNameConfig }>;
}

export function indexApps(apps: AppConfig[]): Pick<EmulatorContext, "appsByClientId" | "ruNames"> {
  const appsByClientId = new Map<string, AppConfig>();
  const ruNames = new Map<string, { app: AppConfig; ruName: RuNameConfig }>();
  for (const app of apps) {
    appsByClientId.set(app.clientId, app);
    for (const ruName of app.ruNames) ruNames.set(ruName.ruName, { app, ruName });
  }
  return { appsByClientId, ruNames };
}
