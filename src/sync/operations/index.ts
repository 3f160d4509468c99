// The cognito-sync operations Cognate serves (all 17 of the model). One line per operation; keep alphabetical.
import type { Operation } from '../../protocol/operation.ts';
import { bulkPublish, getBulkPublishDetails } from './bulk-publish.ts';
import deleteDataset from './delete-dataset.ts';
import describeDataset from './describe-dataset.ts';
import describeIdentityUsage from './describe-identity-usage.ts';
import listDatasets from './list-datasets.ts';
import listRecords from './list-records.ts';
import { describeIdentityPoolUsage, listIdentityPoolUsage } from './pool-usage.ts';
import { registerDevice, subscribeToDataset, unsubscribeFromDataset } from './push.ts';
import updateRecords from './update-records.ts';
import { getCognitoEvents, setCognitoEvents } from './cognito-events.ts';
import { getIdentityPoolConfiguration, setIdentityPoolConfiguration } from './pool-configuration.ts';

export const syncOperations: Operation[] = [
  bulkPublish,
  deleteDataset,
  describeDataset,
  describeIdentityPoolUsage,
  describeIdentityUsage,
  getBulkPublishDetails,
  getCognitoEvents,
  getIdentityPoolConfiguration,
  listDatasets,
  listIdentityPoolUsage,
  listRecords,
  setCognitoEvents,
  setIdentityPoolConfiguration,
  registerDevice,
  subscribeToDataset,
  unsubscribeFromDataset,
  updateRecords,
];
