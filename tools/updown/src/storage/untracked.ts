import type { AppliedEntry } from '../plan';
import { Tracking } from './tracking';

/**
 * A stream nothing is recorded for: sequelize-cli's default for seeders (`seederStorage: 'none'`).
 * Every file is pending every time; the environment metadata is still kept.
 */
export class Untracked extends Tracking {
  async ensure(): Promise<void> {
    await this.sequelize.query(this.schemaAndMetadataDdl(), { transaction: null });
  }

  async applied(): Promise<AppliedEntry[]> {
    return [];
  }

  recordStatement(): undefined {
    return undefined;
  }

  forgetStatement(): undefined {
    return undefined;
  }

  async adopt(): Promise<string[]> {
    return [];
  }

  protected async sign(): Promise<void> {}
}
