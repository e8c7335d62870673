"""Draw the demo network's post pictures with Pillow and give the posts ``image``/``image_alt``.

    .venv/bin/python scripts/demo_pictures.py          # (re)draw the pictures, add missing front matter

The pictures are simple flat illustrations drawn here (no photographs, no text in
them), so they are this project's own work, released under CC0 1.0 like the demo
content (docs/demo-pictures.md). Drawing is deterministic: the same files every run.
"""

from __future__ import annotations

import math
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
W, H = 1600, 900
S = 2  # drawn at twice the size, then scaled down: smooth edges

NAVY = (23, 50, 92)
RED = (196, 38, 46)
SKY = (196, 222, 240)
SNOW = (242, 246, 250)
WOOD = (150, 102, 60)
GREEN = (64, 128, 82)
YELLOW = (246, 190, 40)
GREY = (120, 130, 140)
SKIN = (232, 190, 160)
COATS = [(40, 80, 140), (180, 60, 60), (60, 120, 90), (200, 140, 40), (90, 70, 130), (70, 70, 80)]


class Canvas:
    def __init__(self, background: tuple[int, int, int]):
        self.img = Image.new("RGB", (W * S, H * S), background)
        self.d = ImageDraw.Draw(self.img)

    def xy(self, *points: float) -> list[float]:
        return [p * S for p in points]

    def rect(self, x0, y0, x1, y1, fill, radius=0):
        self.d.rounded_rectangle(self.xy(x0, y0, x1, y1), radius=radius * S, fill=fill)

    def ellipse(self, x0, y0, x1, y1, fill):
        self.d.ellipse(self.xy(x0, y0, x1, y1), fill=fill)

    def poly(self, points, fill):
        self.d.polygon([(x * S, y * S) for x, y in points], fill=fill)

    def line(self, points, fill, width):
        self.d.line([(x * S, y * S) for x, y in points], fill=fill, width=int(width * S), joint="curve")

    def person(self, x, y, scale=1.0, coat=NAVY, arm_up=False):
        """A standing person, feet at (x, y)."""
        h = 260 * scale
        self.rect(x - 34 * scale, y - h * 0.62, x + 34 * scale, y, coat, radius=26 * scale)
        self.ellipse(x - 26 * scale, y - h, x + 26 * scale, y - h + 52 * scale, SKIN)
        if arm_up:
            self.line([(x + 26 * scale, y - h * 0.55), (x + 60 * scale, y - h * 1.05)], coat, 16 * scale)

    def seated(self, x, y, scale=1.0, coat=NAVY):
        """A person seen behind a table edge at height y."""
        self.rect(x - 40 * scale, y - 110 * scale, x + 40 * scale, y + 20 * scale, coat, radius=30 * scale)
        self.ellipse(x - 28 * scale, y - 170 * scale, x + 28 * scale, y - 114 * scale, SKIN)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        img = self.img.resize((W, H), Image.Resampling.LANCZOS)
        if path.suffix == ".png":
            img.quantize(64).save(path, optimize=True)
        elif path.suffix == ".webp":
            img.save(path, "WEBP", quality=78, method=6)
        else:
            img.save(path, "JPEG", quality=80, optimize=True, progressive=True)


def hall(c: Canvas) -> None:
    c.rect(0, 0, W, 620, (236, 230, 218))
    c.rect(0, 620, W, H, (176, 140, 104))
    for x in range(120, W, 360):
        c.rect(x, 80, x + 200, 380, (208, 226, 240), radius=8)


def meeting(rng: random.Random) -> Canvas:
    c = Canvas(SKY)
    hall(c)
    c.rect(560, 110, 1040, 360, NAVY, radius=12)  # the union's banner behind the presidium
    c.rect(600, 150, 1000, 190, RED)
    for i, x in enumerate(range(330, 1300, 160)):
        c.seated(x, 560, 1.0, COATS[i % len(COATS)])
    c.rect(220, 540, 1380, 700, (120, 80, 50), radius=10)
    c.rect(220, 540, 1380, 570, (150, 105, 70), radius=10)
    for x in range(360, 1300, 320):
        c.rect(x, 500, x + 70, 545, SNOW, radius=4)  # papers
    return c


def seminar(rng: random.Random) -> Canvas:
    c = Canvas(SKY)
    hall(c)
    c.rect(420, 90, 1180, 470, SNOW, radius=10)  # the screen with a chart
    for i, h in enumerate([120, 190, 160, 250, 300]):
        c.rect(520 + i * 120, 430 - h, 600 + i * 120, 430, [NAVY, RED][i % 2])
    c.person(1300, 720, 1.0, RED, arm_up=True)
    for row, y in enumerate((800, 900)):
        for i, x in enumerate(range(120 + row * 80, W, 170)):
            c.seated(x, y, 1.1, COATS[(i + row) % len(COATS)])
    return c


def signing(rng: random.Random) -> Canvas:
    c = Canvas((232, 236, 242))
    c.rect(0, 520, W, H, (120, 80, 50))
    c.rect(520, 300, 1080, 720, SNOW, radius=8)  # the agreement
    for y in range(360, 600, 40):
        c.rect(580, y, 1020 - (y % 80), y + 14, (170, 180, 195))
    c.line([(620, 650), (680, 620), (720, 660), (780, 615), (820, 650)], NAVY, 6)
    c.line([(860, 650), (900, 612), (950, 660), (1000, 622)], NAVY, 6)
    c.line([(1040, 700), (1240, 480)], (30, 30, 30), 18)  # the pen
    c.line([(1236, 484), (1260, 458)], YELLOW, 18)
    # two hands meeting above
    c.rect(80, 170, 700, 260, NAVY, radius=40)
    c.rect(900, 170, 1520, 260, GREY, radius=40)
    c.ellipse(640, 150, 820, 280, SKIN)
    c.ellipse(780, 150, 960, 280, SKIN)
    return c


def chart(rising: bool) -> Callable[[random.Random], Canvas]:
    def draw(rng: random.Random) -> Canvas:
        c = Canvas(SNOW)
        for y in range(180, 800, 120):
            c.rect(160, y, 1480, y + 4, (214, 220, 228))
        heights = [220, 280, 260, 360, 420, 520] if rising else [520, 470, 380, 300, 240, 210]
        for i, h in enumerate(heights):
            x = 220 + i * 210
            c.rect(x, 800 - h, x + 140, 800, NAVY if i < 5 else RED, radius=8)
        points = [(290 + i * 210, 760 - h) for i, h in enumerate(heights)]
        c.line(points, YELLOW, 10)
        for x, y in points:
            c.ellipse(x - 16, y - 16, x + 16, y + 16, YELLOW)
        c.rect(160, 800, 1480, 812, (60, 60, 70))
        return c

    return draw


def helmet(rng: random.Random) -> Canvas:
    c = Canvas((40, 70, 110))
    for i in range(0, W + H, 120):  # warning stripes at the bottom
        c.poly([(i, H), (i + 60, H), (i - 60 + 60, 760), (i - 60, 760)], YELLOW)
    c.rect(0, 740, W, 760, (30, 30, 30))
    c.d.pieslice(c.xy(460, 170, 1140, 850), 180, 360, fill=YELLOW)  # the dome
    c.rect(620, 180, 980, 230, (255, 214, 90), radius=20)
    c.rect(760, 150, 840, 510, (230, 170, 20), radius=30)  # the ridge
    c.rect(380, 480, 1220, 560, (230, 170, 20), radius=30)  # the brim
    c.ellipse(735, 300, 865, 430, SNOW)  # the badge
    c.line([(760, 365), (790, 395), (840, 330)], GREEN, 14)
    return c


def march(rng: random.Random) -> Canvas:
    c = Canvas(SKY)
    c.rect(0, 0, W, 420, (150, 196, 232))
    for x in range(0, W, 260):  # city
        h = rng.randint(180, 330)
        c.rect(x, 560 - h, x + 220, 560, (200, 206, 214))
    c.rect(0, 560, W, H, (150, 150, 158))
    c.rect(200, 300, 1400, 430, RED, radius=6)  # the long banner
    c.rect(240, 340, 1360, 390, (230, 90, 90))
    c.line([(200, 300), (200, 700)], WOOD, 14)
    c.line([(1400, 300), (1400, 700)], WOOD, 14)
    for i in range(26):
        x = 60 + i * 60 + rng.randint(-15, 15)
        c.person(x, 880 + rng.randint(-20, 10), 0.9, COATS[i % len(COATS)], arm_up=(i % 5 == 2))
    for x, colour in ((120, RED), (1500, NAVY), (820, RED)):  # flags
        c.line([(x, 180), (x, 560)], WOOD, 10)
        c.poly([(x, 180), (x + 140, 210), (x, 250)], colour)
    return c


def camp(rng: random.Random) -> Canvas:
    c = Canvas((30, 40, 80))
    for _ in range(90):  # stars
        x, y = rng.randint(0, W), rng.randint(0, 420)
        c.ellipse(x, y, x + 5, y + 5, SNOW)
    c.ellipse(1260, 80, 1380, 200, (250, 240, 200))
    c.rect(0, 560, W, H, (40, 80, 50))
    for x in range(-40, W, 140):  # forest
        c.poly([(x, 580), (x + 70, 300 + rng.randint(0, 80)), (x + 140, 580)], (24, 60, 40))
    for x, colour in ((260, RED), (1100, YELLOW)):  # tents
        c.poly([(x, 820), (x + 160, 600), (x + 320, 820)], colour)
        c.poly([(x + 130, 820), (x + 160, 700), (x + 190, 820)], (30, 30, 40))
    c.poly([(700, 840), (800, 640), (900, 840)], (250, 140, 30))  # the fire
    c.poly([(740, 840), (800, 720), (860, 840)], YELLOW)
    c.line([(660, 850), (940, 820)], WOOD, 22)
    for i, x in enumerate((560, 1020)):
        c.seated(x, 860, 0.9, COATS[i])
    return c


def stage(rng: random.Random) -> Canvas:
    c = Canvas((28, 30, 60))
    for i, x in enumerate(range(100, W, 300)):  # lights
        c.poly([(x, 0), (x + 60, 0), (x + 180 + i * 10, 600), (x - 120, 600)], (60, 62, 110))
    c.rect(300, 120, 1300, 460, (50, 110, 200), radius=10)  # the screen: an arrow pointing north
    c.poly([(800, 160), (900, 300), (840, 300), (840, 420), (760, 420), (760, 300), (700, 300)], SNOW)
    c.rect(0, 560, W, 640, (90, 60, 50))
    c.person(800, 600, 0.9, RED, arm_up=True)
    for row, y in enumerate((800, 910)):
        for i, x in enumerate(range(60 + row * 70, W, 140)):
            c.seated(x, y, 0.95, COATS[(i + row) % len(COATS)])
    return c


def airplane(rng: random.Random) -> Canvas:
    c = Canvas((170, 205, 235))
    c.rect(0, 640, W, H, (110, 115, 120))
    for x in range(0, W, 200):
        c.rect(x + 40, 760, x + 140, 780, SNOW)
    c.ellipse(260, 380, 1340, 560, SNOW)  # fuselage
    c.poly([(1240, 420), (1420, 240), (1480, 240), (1380, 470)], SNOW)  # tail
    c.poly([(620, 470), (960, 470), (760, 720), (680, 720)], (220, 226, 232))  # wing
    for x in range(420, 1160, 70):
        c.ellipse(x, 430, x + 30, 460, NAVY)
    c.rect(500, 480, 1260, 500, RED)
    c.person(220, 760, 0.8, (255, 120, 0))  # a ground worker in a high-visibility vest
    c.rect(190, 650, 250, 670, YELLOW)
    return c


def bus(rng: random.Random) -> Canvas:
    c = Canvas(SKY)
    c.rect(0, 600, W, H, (150, 150, 158))
    c.rect(160, 300, 1120, 700, (240, 200, 40), radius=40)
    for x in range(220, 1000, 150):
        c.rect(x, 350, x + 120, 500, (120, 170, 210), radius=10)
    c.rect(1020, 350, 1100, 640, (120, 170, 210), radius=10)
    for x in (320, 920):
        c.ellipse(x - 70, 630, x + 70, 770, (40, 40, 44))
        c.ellipse(x - 30, 670, x + 30, 730, GREY)
    for i, x in enumerate((1220, 1350, 1480)):  # a picket
        c.person(x, 860, 0.85, COATS[i])
        c.line([(x + 30, 700), (x + 30, 520)], WOOD, 10)
        c.rect(x - 30, 420, x + 90, 520, SNOW if i != 1 else RED, radius=4)
    return c


def powerline(rng: random.Random) -> Canvas:
    c = Canvas((200, 214, 230))
    c.rect(0, 620, W, H, SNOW)
    for _ in range(160):  # snowflakes
        x, y = rng.randint(0, W), rng.randint(0, H)
        c.ellipse(x, y, x + 8, y + 8, SNOW)
    for x in (300, 1200):  # pylons
        c.poly([(x - 90, 760), (x, 120), (x + 90, 760)], (80, 90, 100))
        c.poly([(x - 55, 760), (x, 250), (x + 55, 760)], (200, 214, 230))
        c.rect(x - 160, 200, x + 160, 220, (80, 90, 100))
    for y in (215, 260):
        c.line([(0, y + 60), (300, y), (750, y + 90), (1200, y), (W, y + 60)], (50, 50, 60), 5)
    c.rect(620, 560, 980, 760, (240, 120, 30), radius=20)  # the crew's truck
    c.rect(900, 600, 960, 680, (120, 170, 210), radius=6)
    c.ellipse(660, 720, 760, 820, (40, 40, 44))
    c.ellipse(840, 720, 940, 820, (40, 40, 44))
    c.line([(700, 560), (780, 330)], YELLOW, 16)  # the boom
    c.person(790, 340, 0.6, (255, 120, 0))
    return c


def logs(rng: random.Random) -> Canvas:
    c = Canvas((186, 214, 200))
    for x in range(-40, W, 120):
        c.poly([(x, 520), (x + 60, 220 + rng.randint(0, 60)), (x + 120, 520)], GREEN)
    c.rect(0, 500, W, H, (150, 130, 100))
    for row in range(4):  # a stack of logs, ends facing us
        for i in range(7 - row):
            x = 340 + row * 55 + i * 110
            y = 800 - row * 95
            c.ellipse(x, y - 100, x + 110, y, WOOD)
            c.ellipse(x + 20, y - 80, x + 90, y - 20, (214, 170, 120))
    c.person(1300, 860, 1.0, (255, 120, 0))
    c.rect(1258, 600, 1342, 624, YELLOW, radius=8)
    return c


def school(rng: random.Random) -> Canvas:
    c = Canvas(SKY)
    c.rect(0, 700, W, H, (110, 160, 90))
    c.rect(300, 300, 1300, 720, (226, 160, 120))
    c.poly([(260, 310), (800, 140), (1340, 310)], (150, 60, 50))
    for row in range(2):
        for x in range(360, 1260, 140):
            if not (row == 1 and 720 <= x <= 860):
                c.rect(x, 360 + row * 180, x + 90, 470 + row * 180, (220, 236, 248), radius=6)
    c.rect(730, 560, 870, 720, NAVY, radius=8)
    c.ellipse(740, 190, 860, 290, SNOW)  # clock
    c.line([(800, 240), (800, 205)], NAVY, 6)
    c.line([(800, 240), (830, 250)], NAVY, 6)
    for x, colour in ((150, RED), (1450, YELLOW)):  # flowers
        c.line([(x, 840), (x, 700)], GREEN, 10)
        for a in range(0, 360, 60):
            dx, dy = 40 * math.cos(math.radians(a)), 40 * math.sin(math.radians(a))
            c.ellipse(x + dx - 28, 680 + dy - 28, x + dx + 28, 680 + dy + 28, colour)
        c.ellipse(x - 22, 658, x + 22, 702, YELLOW if colour == RED else RED)
    return c


def ship(rng: random.Random) -> Canvas:
    c = Canvas((160, 200, 232))
    c.rect(0, 560, W, H, (40, 90, 140))
    for y in range(600, H, 50):
        for x in range(rng.randint(-60, 0), W, 180):
            c.line([(x, y), (x + 60, y - 10), (x + 120, y)], (90, 140, 190), 5)
    c.poly([(260, 500), (1340, 500), (1240, 680), (360, 680)], NAVY)  # hull
    c.rect(260, 490, 1340, 520, RED)
    for i, colour in enumerate((RED, YELLOW, GREEN, (90, 70, 130), RED)):  # containers
        c.rect(420 + i * 130, 400, 540 + i * 130, 490, colour)
    c.rect(1060, 300, 1220, 490, SNOW)  # bridge
    c.rect(1080, 330, 1200, 370, (40, 60, 80))
    c.rect(1120, 220, 1160, 300, (60, 60, 70))
    c.line([(1360, 560), (1420, 100)], (80, 80, 90), 14)  # a port crane
    c.line([(1420, 100), (1080, 100)], (80, 80, 90), 14)
    return c


def fish(rng: random.Random) -> Canvas:
    c = Canvas((40, 100, 150))
    for _ in range(40):
        x, y = rng.randint(0, W), rng.randint(0, H)
        r = rng.randint(6, 20)
        c.ellipse(x, y, x + r, y + r, (120, 180, 220))
    for i, (x, y, s) in enumerate(((400, 300, 1.0), (980, 520, 1.3), (620, 700, 0.8), (1300, 240, 0.7))):
        colour = [(220, 120, 90), (200, 200, 210), (230, 160, 60), (200, 200, 210)][i]
        c.ellipse(x - 170 * s, y - 80 * s, x + 170 * s, y + 80 * s, colour)
        c.poly([(x + 150 * s, y), (x + 270 * s, y - 90 * s), (x + 270 * s, y + 90 * s)], colour)
        c.ellipse(x - 120 * s, y - 30 * s, x - 90 * s, y, (20, 30, 40))
    c.rect(0, 820, W, H, (200, 180, 130))
    return c


def skiers(rng: random.Random) -> Canvas:
    c = Canvas((190, 214, 236))
    c.poly([(0, 420), (500, 200), (900, 420)], SNOW)
    c.poly([(600, 420), (1150, 160), (1600, 420)], (230, 238, 246))
    c.rect(0, 420, W, H, SNOW)
    for x in range(0, W, 100):
        c.poly([(x, 440), (x + 40, 330), (x + 80, 440)], (40, 90, 60))
    for i, x in enumerate((300, 700, 1100, 1450)):
        y = 760 - i * 30
        c.person(x, y, 0.85, COATS[i])
        c.line([(x - 140, y + 10), (x + 120, y - 10)], RED, 10)  # skis
        c.line([(x - 40, y - 150), (x - 90, y)], (60, 60, 60), 6)  # poles
        c.line([(x + 40, y - 150), (x + 90, y)], (60, 60, 60), 6)
        c.rect(x - 30, y - 190, x + 30, y - 150, SNOW)  # race bib
    return c


def donor(rng: random.Random) -> Canvas:
    c = Canvas((250, 240, 242))
    c.poly([(800, 120), (1010, 460), (590, 460)], RED)  # a drop
    c.ellipse(580, 300, 1020, 740, RED)
    c.ellipse(680, 420, 760, 520, (240, 120, 120))
    c.rect(1160, 300, 1280, 620, (40, 150, 90), radius=10)  # a medical cross
    c.rect(1060, 400, 1380, 520, (40, 150, 90), radius=10)
    for x in (260, 400):
        c.person(x, 820, 0.9, SNOW)
        c.rect(x - 12, 640, x + 12, 700, RED)
    return c


SCENES: dict[str, Callable[[random.Random], Canvas]] = {
    "meeting": meeting,
    "seminar": seminar,
    "signing": signing,
    "chart-up": chart(True),
    "chart-down": chart(False),
    "helmet": helmet,
    "march": march,
    "camp": camp,
    "stage": stage,
    "airplane": airplane,
    "bus": bus,
    "powerline": powerline,
    "logs": logs,
    "school": school,
    "ship": ship,
    "fish": fish,
    "skiers": skiers,
    "donor": donor,
}

#: post (relative to the network root) -> (picture in the org's images/, scene, text alternative)
POSTS = {
    "content/news/2025-12-05-zasedanie-soveta-federatsii.md": (
        "sovet-federatsii.jpg",
        "meeting",
        "Рисунок: члены Совета Федерации за столом президиума на фоне профсоюзного знамени",
    ),
    "content/news/2025-12-23-podpisano-trekhstoronnee-soglashenie.md": (
        "soglashenie.jpg",
        "signing",
        "Рисунок: рукопожатие над подписанным соглашением и ручкой",
    ),
    "content/news/2026-01-28-minimalnaya-zarplata-v-krae.md": (
        "mrot.png",
        "chart-up",
        "Диаграмма: столбцы растут слева направо — рост минимальной заработной платы",
    ),
    "content/news/2026-04-28-vsemirnyy-den-okhrany-truda.md": (
        "kaska.jpg",
        "helmet",
        "Рисунок: жёлтая защитная каска с зелёной галочкой на фоне сигнальной разметки",
    ),
    "content/news/2026-05-01-pervomay-itogi.md": (
        "pervomay.jpg",
        "march",
        "Рисунок: колонна демонстрантов с красным транспарантом и флагами на городской улице",
    ),
    "content/news/2026-07-15-molodezhnyy-sovet-slet.md": (
        "slet.jpg",
        "camp",
        "Рисунок: палатки и костёр в ночном лесу, у костра сидят участники слёта",
    ),
    "content/news/2026-11-16-molodezhnyy-forum-severnyy-vektor.md": (
        "forum.webp",
        "stage",
        "Рисунок: сцена форума с экраном, на экране стрелка, указывающая на север; в зале молодёжь",
    ),
    "orgs/aeroport/news/2026-04-16-spetsodezhda-aerodromnoy-sluzhby.md": (
        "samolet.jpg",
        "airplane",
        "Рисунок: самолёт на перроне и сотрудник аэродромной службы в сигнальном жилете",
    ),
    "orgs/avtotrans/news/2026-06-04-spasibo-za-podderzhku.md": (
        "piket.jpg",
        "bus",
        "Рисунок: жёлтый городской автобус и участники пикета с плакатами",
    ),
    "orgs/energetiki/news/2025-12-12-avariynye-brigady-zima.md": (
        "lep-zimoy.jpg",
        "powerline",
        "Рисунок: аварийная бригада на автовышке у линии электропередачи в снегопад",
    ),
    "orgs/lesozavod-25/news/2026-09-29-kollektivnyy-dogovor-podpisan.md": (
        "shtabel.jpg",
        "logs",
        "Рисунок: штабель брёвен на лесозаводе и рабочий в каске",
    ),
    "orgs/obrazovanie/news/2026-10-05-den-uchitelya.md": (
        "shkola.jpg",
        "school",
        "Рисунок: здание школы с часами на фронтоне и цветы у входа",
    ),
    "orgs/port-polyarninsk/news/2026-07-06-den-morskogo-flota.md": (
        "sudno.jpg",
        "ship",
        "Рисунок: контейнеровоз у причала и портовый кран",
    ),
    "orgs/rybokombinat/news/2026-07-16-zaderzhka-zarplaty.md": (
        "vyplaty.png",
        "chart-down",
        "Диаграмма: столбцы уменьшаются слева направо — снижение выплат",
    ),
    "orgs/severogorsk/news/2026-02-24-spartakiada-lyzhnaya-estafeta.md": (
        "estafeta.jpg",
        "skiers",
        "Рисунок: лыжники с номерами на заснеженной трассе у леса",
    ),
    "orgs/zdravookhranenie/news/2026-11-19-seminar-upolnomochennykh-po-okhrane-truda.md": (
        "seminar.jpg",
        "seminar",
        "Рисунок: ведущий семинара у экрана с диаграммой, слушатели в зале",
    ),
    "orgs/kraevaya-bolnitsa/news/2026-10-26-molodezhnaya-komissiya-den-donora.md": (
        "den-donora.jpg",
        "donor",
        "Рисунок: красная капля крови, зелёный медицинский крест и медики в белых халатах",
    ),
    "orgs/tec-2/news/2026-09-08-indeksatsiya-zarplaty.md": (
        "indeksatsiya.png",
        "chart-up",
        "Диаграмма: столбцы растут слева направо — индексация заработной платы",
    ),
}


def add_front_matter(post: Path, image: str, alt: str) -> bool:
    """Put ``image``/``image_alt`` after ``date:`` unless the post has them already."""
    text = post.read_text(encoding="utf-8")
    if re.search(r"^image:", text, re.M):
        return False
    alt_yaml = '"' + alt.replace("\\", "\\\\").replace('"', '\\"') + '"'
    text = re.sub(
        r"^(date:.*\n)", rf"\g<1>image: ../images/{image}\nimage_alt: {alt_yaml}\n", text, count=1, flags=re.M
    )
    post.write_text(text, encoding="utf-8")
    return True


def main() -> int:
    for rel, (name, scene, alt) in POSTS.items():
        post = ROOT / rel
        target = post.parent.parent / "images" / name
        rng = random.Random(name)
        canvas = SCENES[scene](rng)
        if scene in ("camp", "stage"):
            canvas.img = canvas.img.filter(ImageFilter.SMOOTH)
        canvas.save(target)
        added = add_front_matter(post, name, alt)
        print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB{'  + front matter' if added else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
