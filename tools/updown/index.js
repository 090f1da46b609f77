'use strict';
// `import … from 'updown'`: see entry.js for which build runs.
module.exports = require('./entry.js')('index');
