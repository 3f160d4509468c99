// The cognito-sync operations Cognate serves. One line per operation; keep alphabetical. Not served yet (answered
// UnsupportedOperationException by the edge): the events, streams and bulk-publish operations.
import type { Operation } from '../../protocol/operation.ts';
import deleteDataset from './delete-dataset.ts';
import describeDataset from './describe-dataset.ts';
import describeIdentityUsage from './describe-identity-usage.ts';
import listDatasets from './list-datasets.ts';
import listRecords from './list-records.ts';
import { describeIdentityPoolUsage, listIdentityPoolUsage } from './pool-usage.ts';
import { registerDevice, subscribeToDataset, unsubscribeFromDataset } from './push.ts';
import updateRecords from './update-records.ts';

export const syncOperations: Operation[] = [
  deleteDataset,
  describeDataset,
  describeIdentityPoolUsage,
  describeIdentityUsage,
  listDatasets,
  listIdentityPoolUsage,
  listRecords,
  registerDevice,
  subscribeToDataset,
  unsubscribeFromDataset,
  updateRecords,
];
