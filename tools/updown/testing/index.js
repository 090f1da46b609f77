'use strict';
// `import … from 'updown/testing'`: Jest globalSetup / globalTeardown helpers, resetDatabase and reseed.
module.exports = require('../entry.js')('testing/jest');
