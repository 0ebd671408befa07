/** A user's story per OPNsense 26.x release range (src/vendors/opnsense/firmware.ts). */
import { opnsenseStory } from './opnsense-story.js';

opnsenseStory('26.1.0');
opnsenseStory('26.1.9');
opnsenseStory('26.1.11');
opnsenseStory('26.7.2');
