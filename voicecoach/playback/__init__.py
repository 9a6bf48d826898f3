"""Playing a routine as one stream of audio: the shared timeline, the device, the fallbacks."""
