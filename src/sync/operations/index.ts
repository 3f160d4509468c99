// The cognito-sync operations Cognate serves. One line per operation; keep alphabetical. Not served yet (answered
// UnsupportedOperationException by the edge): the push operations.
import type { Operation } from '../../protocol/operation.ts';
import { bulkPublish, getBulkPublishDetails } from './bulk-publish.ts';
import deleteDataset from './delete-dataset.ts';
import describeDataset from './describe-dataset.ts';
import describeIdentityUsage from './describe-identity-usage.ts';
import listDatasets from './list-datasets.ts';
import listRecords from './list-records.ts';
import { describeIdentityPoolUsage, listIdentityPoolUsage } from './pool-usage.ts';
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
  updateRecords,
];
