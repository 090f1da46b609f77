// Jest setupFiles: DATABASE_URL becomes this worker's own database before any test module loads.
import 'updown/testing/setup-worker';
