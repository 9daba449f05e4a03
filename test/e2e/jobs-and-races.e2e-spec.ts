/** The jobs-and-races scenarios on one Redis, one market queue (see the scenarios file). */
import { describeJobsAndRaces } from '../support/jobs-and-races.scenarios.js';

describeJobsAndRaces('one Redis');
