import { addStrings } from './lib/i18n';
import { dashboardStrings } from './dashboard/strings';

// The dashboard's strings, as its main.ts adds them (components are rendered without it).
addStrings(dashboardStrings);
// Blob URLs for photo thumbnails: jsdom has neither function.
if (!URL.createObjectURL) URL.createObjectURL = () => 'blob:test';
if (!URL.revokeObjectURL) URL.revokeObjectURL = () => {};
