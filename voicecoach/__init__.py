"""voicecoach: a voice-guided, hands-free stretching coach for the terminal."""

__version__ = "0.1.0"
