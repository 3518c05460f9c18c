import type { Command } from '../command.js';
import { addPapers } from './add.js';
import { adminBan, adminGrant, adminRevoke, adminUnban } from './admin.js';
import { harvestArxiv } from './harvest.js';
import { digestSend, digestStatus } from './digest.js';
import { importArxivSnapshot, importHfDaily } from './import.js';
import { evalBeirCommand } from './eval-beir.js';
import { evalRecommendCommand } from './eval-recommend.js';
import { mapRebuildCommand, mapUpdateCommand } from './map.js';
import { migrate } from './migrate.js';
import { migrateStore } from './migrate-store.js';
import { modelFetchCommand } from './model.js';
import { notificationsSend } from './notifications.js';
import { indexFullTextCommand } from './index-fulltext.js';
import { indexRebuildCommand, searchCommand, similarCommand } from './search.js';
import { serveCommand } from './serve.js';
import { stats } from './stats.js';
import { sourcesStatus } from './sources.js';
import { syncHf } from './sync.js';
import { trendingRecompute } from './trending.js';

/** Every CLI command. Features add theirs here. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  migrate,
  migrateStore,
  importArxivSnapshot,
  importHfDaily,
  harvestArxiv,
  syncHf,
  sourcesStatus,
  addPapers,
  stats,
  searchCommand,
  similarCommand,
  indexRebuildCommand,
  indexFullTextCommand,
  modelFetchCommand,
  evalBeirCommand,
  evalRecommendCommand,
  trendingRecompute,
  mapRebuildCommand,
  mapUpdateCommand,
  adminGrant,
  adminRevoke,
  adminBan,
  adminUnban,
  digestSend,
  digestStatus,
  notificationsSend,
];
