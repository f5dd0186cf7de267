"""Writes the hall screen's chime (src/yizhan/hall/static/hall/chime.wav): a two-tone ding-dong,
0.9 s, 16 kHz mono 16-bit, made with the standard library so no sound file of unknown licence
enters the repository. Run: python scripts/make_chime.py"""

import math
import struct
import wave
from pathlib import Path

RATE = 16000
TONES = ((880, 0.4), (660, 0.5))  # Hz, seconds
OUT = Path(__file__).resolve().parent.parent / "src/yizhan/hall/static/hall/chime.wav"


def main() -> None:
    frames = bytearray()
    for freq, length in TONES:
        n = int(RATE * length)
        for i in range(n):
            envelope = math.exp(-4 * i / n)
            frames += struct.pack("<h", int(12000 * envelope * math.sin(2 * math.pi * freq * i / RATE)))
    with wave.open(str(OUT), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))


if __name__ == "__main__":
    main()
