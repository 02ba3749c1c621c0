"""The pick-rate chart attached to a quiz's results: one bar per option, per question. Pillow.

Small on purpose (at most a few hundred pixels, drawn in memory, a few KB of PNG): the bot's
memory goal is 150 MB RSS, and Pillow draws this without a subprocess.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from bot.quiz.summary import QuizResults

WIDTH = 480
ROW = 18
HEADING = 22
BAR_LEFT = 150
BAR_WIDTH = WIDTH - BAR_LEFT - 50
BACKGROUND = (255, 255, 255)
INK = (35, 39, 42)
RIGHT = (87, 242, 135)
WRONG = (153, 170, 181)


def pick_rate_chart(results: QuizResults) -> bytes:
    """A PNG: per question (and blank) a bar for each option's share of first answers."""
    rows = sum(1 + sum(len(blank) for blank in q.blanks) for q in results.questions)
    image = Image.new("RGB", (WIDTH, 10 + HEADING + rows * ROW), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.text((10, 6), f"First answers, {results.local_date:%d %B}", fill=INK, font=font)
    y = 6 + HEADING
    for number, question in enumerate(results.questions, start=1):
        draw.text((10, y), f"{number}. {question.title}"[:70], fill=INK, font=font)
        y += ROW
        for blank_number, blank in enumerate(question.blanks, start=1):
            for option in blank:
                label = (
                    f"{option.shown}"
                    if len(question.blanks) == 1
                    else (f"blank {blank_number}: {option.shown}")
                )
                draw.text((30, y + 2), label, fill=INK, font=font)
                length = round(BAR_WIDTH * option.share)
                colour = RIGHT if option.correct else WRONG
                if length:
                    draw.rectangle((BAR_LEFT, y + 3, BAR_LEFT + length, y + ROW - 3), fill=colour)
                draw.text(
                    (BAR_LEFT + length + 6, y + 2),
                    f"{round(100 * option.share)}%",
                    fill=INK,
                    font=font,
                )
                y += ROW
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
