"""The drawing a pose makes: forward kinematics, ground contact and primitives (no Qt).

:func:`draw_pose` places the figure by its joint angles with fixed body proportions, rests it
on the floor and on its props (a chair, stool, step, roller, rolled mat or bottle is sized to
meet the body part it holds up, within real limits), and returns primitives in drawing order
in units of the figure's height, y upwards, with the floor at ``y = 0``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from desktop_app.pose import LIMBS, POINT_NAMES, Angles, Pose, Prop

Point = tuple[float, float]
Tone = Literal["body", "far", "accent", "prop", "prop-line", "paper"]
"""What colour a primitive takes: the body (near limbs, trunk, head), the far limbs, the
highlighted area, a prop's fill, a prop's outline, the background (holes and gaps)."""


@dataclass(frozen=True)
class Capsule:
    """A thick line with round ends: a limb, the trunk, a towel."""

    a: Point
    b: Point
    width: float
    tone: Tone


@dataclass(frozen=True)
class Disc:
    """A filled circle (the head, a roller), with an optional outline."""

    centre: Point
    radius: float
    tone: Tone
    outline: float = 0.0


@dataclass(frozen=True)
class Shape:
    """A filled polygon (closed) or a stroked polyline (``fill`` False)."""

    points: tuple[Point, ...]
    tone: Tone
    fill: bool = True
    width: float = 0.0


Primitive = Capsule | Disc | Shape


@dataclass(frozen=True)
class Drawing:
    """Primitives in drawing order and the box that holds them all (x0, y0, x1, y1)."""

    items: tuple[Primitive, ...]
    bounds: tuple[float, float, float, float]
    supports: tuple[tuple[str, float], ...] = ()
    """Each supporting prop with the gap left between it and the body (0 when it touches)."""
    heights: tuple[tuple[str, float], ...] = ()
    """How high above the floor each body part's lowest point is (``near-foot``, ``trunk``)."""
    points: tuple[tuple[str, Point], ...] = ()
    """Where the named points are (``near-heel``, ``hands``, ``seat``...), both hands or feet
    as their middle."""

    @property
    def aspect(self) -> float:
        x0, y0, x1, y1 = self.bounds
        return (x1 - x0) / max(1e-9, y1 - y0)


# Body proportions, as shares of the standing height (after Drillis and Contini).
TRUNK = 0.29
NECK = 0.118
HEAD_R = 0.074
THIGH = 0.245
SHIN = 0.245
UPPER_ARM = 0.186
FOREARM = 0.146
HAND = 0.06
ANKLE_DROP = 0.035
HEEL_BACK = 0.035
TOE_FORWARD = 0.125
BALL_FORWARD = 0.085
WIDTH = {"trunk": 0.11, "neck": 0.05, "thigh": 0.095, "shin": 0.062, "upper-arm": 0.052,
         "forearm": 0.044, "hand": 0.04, "foot": 0.042, "ankle": 0.042}  # fmt: skip
PROP_LINE = 0.012
FLOOR_Y = 0.0
# Heights a supporting prop can take (its top above the floor), low to high.
SUPPORT_HEIGHTS: dict[str, tuple[float, float]] = {
    "chair": (0.2, 0.32),
    "stool": (0.1, 0.32),
    "step": (0.06, 0.22),
    "foam-roller": (0.075, 0.1),
    "rolled-mat": (0.05, 0.085),
    "bottle": (0.05, 0.07),
}


def _unit(degrees: float) -> Point:
    radians = math.radians(degrees)
    return (math.cos(radians), math.sin(radians))


def _add(p: Point, d: Point, length: float = 1.0) -> Point:
    return (p[0] + d[0] * length, p[1] + d[1] * length)


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _cw(d: Point) -> Point:
    """``d`` turned a quarter clockwise (the front of the trunk and the back of a leg)."""
    return (d[1], -d[0])


@dataclass(frozen=True)
class _Limb:
    """One side's joints and the directions of its segments."""

    hip: Point
    knee: Point
    ankle: Point
    heel: Point
    ball: Point
    toes: Point
    shoulder: Point
    elbow: Point
    wrist: Point
    hand: Point
    thigh_dir: Point
    shin_dir: Point
    foot_dir: Point

    @property
    def instep(self) -> Point:
        """Where the ankle joins the foot, a little in front of the heel."""
        return _lerp(self.heel, self.ball, 0.3)

    def point(self, kind: str) -> tuple[Point, float]:
        """A named point and the half-width of the body there (its surface is that far out)."""
        foot = WIDTH["foot"] / 2
        return {
            "hand": (self.hand, WIDTH["hand"] / 2),
            "knee": (self.knee, WIDTH["thigh"] / 2),
            "thigh": (_lerp(self.hip, self.knee, 0.55), WIDTH["thigh"] / 2),
            "calf": (_lerp(self.knee, self.ankle, 0.4), WIDTH["shin"] / 2),
            "heel": (self.heel, foot),
            "arch": (_lerp(self.heel, self.ball, 0.5), foot),
            "ball": (self.ball, foot),
            "foot": (self.ball, foot),
            "toes": (self.toes, foot),
        }[kind]


def _limb(angles: Angles, side: str, hip: Point, shoulder: Point, trunk_dir: float) -> _Limb:
    def angle(joint: str) -> float:
        return angles.get(joint, side) or 0.0

    thigh = trunk_dir + 180 + angle("hips")
    shin = thigh - angle("knees")
    ankle_angle = angles.get("ankles", side)
    foot = 0.0 if ankle_angle is None else shin + 90 - ankle_angle
    knee = _add(hip, _unit(thigh), THIGH)
    ankle = _add(knee, _unit(shin), SHIN)
    sole = _add(ankle, _unit(shin), ANKLE_DROP)
    arm = trunk_dir + 180 + angle("shoulders")
    fore = arm + angle("elbows")
    elbow = _add(shoulder, _unit(arm), UPPER_ARM)
    wrist = _add(elbow, _unit(fore), FOREARM)
    turn = math.cos(math.radians(angle("knees-out")))

    def out(point: Point) -> Point:
        """The point as seen when the leg turns about the line from the hip to the ankle."""
        if turn == 1.0:
            return point
        ux, uy = ankle[0] - hip[0], ankle[1] - hip[1]
        length = math.hypot(ux, uy) or 1.0
        ux, uy = ux / length, uy / length
        rx, ry = point[0] - hip[0], point[1] - hip[1]
        along = rx * ux + ry * uy
        px, py = rx - along * ux, ry - along * uy
        return (hip[0] + along * ux + px * turn, hip[1] + along * uy + py * turn)

    return _Limb(
        hip=hip,
        knee=out(knee),
        ankle=ankle,
        heel=out(_add(sole, _unit(foot), -HEEL_BACK)),
        ball=out(_add(sole, _unit(foot), BALL_FORWARD)),
        toes=out(_add(sole, _unit(foot), TOE_FORWARD)),
        shoulder=shoulder,
        elbow=elbow,
        wrist=wrist,
        hand=_add(wrist, _unit(fore), HAND),
        thigh_dir=_direction(hip, out(knee)),
        shin_dir=_direction(out(knee), ankle),
        foot_dir=_unit(foot),
    )


def _direction(a: Point, b: Point) -> Point:
    length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
    return ((b[0] - a[0]) / length, (b[1] - a[1]) / length)


@dataclass(frozen=True)
class _Body:
    trunk_dir: Point
    hip: Point
    shoulder: Point
    head: Point
    neck_dir: Point
    near: _Limb
    far: _Limb

    def limb(self, side: str) -> _Limb:
        return self.near if side == "near" else self.far

    def points(self, name: str) -> list[tuple[Point, float]]:
        """The point(s) a name stands for, each with the body's half-width there."""
        if name == "hands":
            return [self.near.point("hand"), self.far.point("hand")]
        if name == "feet":
            return [self.near.point("ball"), self.far.point("ball")]
        if name == "seat":
            return [(self.hip, WIDTH["trunk"] / 2)]
        if name == "head":
            return [(self.head, HEAD_R)]
        side, _, kind = name.partition("-")
        return [self.limb(side).point(kind)]

    def capsules(self) -> Iterator[tuple[str, Point, Point, float]]:
        """Every segment as (name, start, end, width), far limbs first."""
        for side in ("far", "near"):
            limb = self.limb(side)
            yield f"{side}-thigh", limb.hip, limb.knee, WIDTH["thigh"]
            yield f"{side}-shin", limb.knee, limb.ankle, WIDTH["shin"]
            yield f"{side}-ankle", limb.ankle, limb.instep, WIDTH["ankle"]
            yield f"{side}-foot", limb.heel, limb.toes, WIDTH["foot"]
            yield f"{side}-upper-arm", limb.shoulder, limb.elbow, WIDTH["upper-arm"]
            yield f"{side}-forearm", limb.elbow, limb.wrist, WIDTH["forearm"]
            yield f"{side}-hand", limb.wrist, limb.hand, WIDTH["hand"]
        yield "trunk", self.hip, self.shoulder, WIDTH["trunk"]
        yield "neck", self.shoulder, self.head, WIDTH["neck"]


def _body(angles: Angles, hip: Point = (0.0, 0.0)) -> _Body:
    trunk = 90 - angles.trunk
    shoulder = _add(hip, _unit(trunk), TRUNK)
    neck = trunk - angles.head
    head = _add(shoulder, _unit(neck), NECK)
    return _Body(
        trunk_dir=_unit(trunk),
        hip=hip,
        shoulder=shoulder,
        head=head,
        neck_dir=_unit(neck),
        near=_limb(angles, "near", hip, shoulder, trunk),
        far=_limb(angles, "far", hip, shoulder, trunk),
    )


def _lowest(body: _Body, leave_out: set[str]) -> float:
    """The lowest y of the body's surface, leaving out segments resting on a prop."""
    low = body.head[1] - HEAD_R
    for name, a, b, width in body.capsules():
        if name not in leave_out:
            low = min(low, a[1] - width / 2, b[1] - width / 2)
    return low


_RESTING_SEGMENTS = {
    "thigh": ("thigh",),
    "calf": ("shin",),
    "knee": ("thigh", "shin"),
    "heel": ("foot", "ankle"),
    "arch": ("foot", "ankle"),
    "ball": ("foot", "ankle"),
    "toes": ("foot", "ankle"),
    "foot": ("foot", "ankle"),
}


def _resting_on(prop: Prop) -> set[str]:
    """Segments that rest on a supporting prop, so they do not decide where the floor is."""
    if prop.kind not in SUPPORT_HEIGHTS or prop.at is None or prop.kind == "rolled-mat":
        return set()  # a rolled mat lifts the balls of the feet; the heels stay down
    if prop.kind == "chair":
        return {"trunk", "far-thigh", "near-thigh"}
    if prop.at == "feet":
        return {"near-foot", "far-foot", "near-ankle", "far-ankle"}
    side, _, kind = prop.at.partition("-")
    return {f"{side}-{segment}" for segment in _RESTING_SEGMENTS.get(kind, ())}


def draw_pose(pose: Pose) -> Drawing:
    """The pose as primitives in drawing order, resting on the floor and on its props."""
    body = _body(pose.angles)
    supports = [p for p in pose.props if p.kind in SUPPORT_HEIGHTS]
    if pose.base == "sitting-on-chair" and not any(p.kind == "chair" for p in supports):
        supports.append(Prop("chair", "seat"))
    resting = set().union(*(_resting_on(p) for p in supports))
    dy = FLOOR_Y - _lowest(body, resting)
    # A support that would have to be lower than it can be lifts the body onto it.
    for prop in supports:
        low, _ = SUPPORT_HEIGHTS[prop.kind]
        dy = max(dy, low - _support_surface(body, prop))
    body = _body(pose.angles, (0.0, dy))
    layers: dict[str, list[Primitive]] = {"back": [], "middle": [], "front": []}
    gaps: list[tuple[str, float]] = []
    for prop in (*[p for p in pose.props if p.kind not in SUPPORT_HEIGHTS], *supports):
        gap = _prop(body, prop, layers)
        if gap is not None:
            gaps.append((prop.kind, gap))
    items = [
        *layers["back"],
        *_figure(body, set(pose.highlight), layers["middle"]),
        *layers["front"],
    ]
    x0, y0, x1, y1 = _bounds(items)
    margin, floor_width = 0.06, 0.018
    # Drawn last, just under y = 0: it covers the background band under what rests on it.
    level = FLOOR_Y - floor_width / 2
    floor = ((x0 - margin, level), (x1 + margin, level))
    items.append(Shape(floor, "prop-line", False, floor_width))
    edge = margin + floor_width / 2  # the floor's round ends
    low = min(y0, FLOOR_Y - floor_width)
    bounds = (x0 - edge, low, x1 + edge, max(y1, FLOOR_Y + 0.2))
    heights = [(name, min(a[1], b[1]) - width / 2) for name, a, b, width in body.capsules()]
    heights.append(("head", body.head[1] - HEAD_R))
    points = []
    for name in POINT_NAMES:
        found = [p for p, _ in body.points(name)]
        points.append((name, _lerp(found[0], found[-1], 0.5)))
    return Drawing(tuple(items), bounds, tuple(gaps), tuple(heights), tuple(points))


def _support_surface(body: _Body, prop: Prop) -> float:
    """The height of the body's underside where ``prop`` holds it up (before any lift)."""
    if prop.kind == "chair":
        return body.hip[1] - WIDTH["trunk"] / 2
    assert prop.at is not None
    return min(p[1] - half for p, half in body.points(prop.at))


# ---------------------------------------------------------------------------- the figure

# Where each area lies on its segment: (segment, start, end, side) with side +1 the back of
# the segment, -1 its front, 0 the whole width.
_AREA_SPANS: dict[str, tuple[tuple[str, float, float, int], ...]] = {
    "hamstring": (("thigh", 0.12, 0.86, 1),),
    "calf": (("shin", 0.12, 0.62, 1),),
    "achilles": (("shin", 0.55, 1.0, 1), ("heel", 0.0, 0.0, 0)),
    "sole": (("sole", 0.0, 1.0, 1),),
    "thigh": (("thigh", 0.0, 1.0, 0),),
    "shin": (("shin", 0.0, 1.0, 0),),
    "foot": (("foot", 0.0, 1.0, 0),),
    "arm": (("upper-arm", 0.0, 1.0, 0), ("forearm", 0.0, 1.0, 0)),
}


GAP = 0.014
"""A thin band of background around the near limbs and the trunk, so that where two parts
of one colour cross (an arm over the trunk, a hand on the raised leg) each stays readable."""


def _figure(body: _Body, highlight: set[str], middle: list[Primitive]) -> Iterator[Primitive]:
    """The far limbs, what lies between them and the near side, the trunk, the near limbs."""
    for side in ("far", "near"):
        tone: Tone = "body" if side == "near" else "far"
        limb = body.limb(side)
        if side == "far":
            yield from _arm(limb, tone)
        yield from _gapped(_leg(limb, tone), cut=limb.hip)
        for area in sorted(highlight):
            area_side, _, name = area.partition("-")
            if area_side == side:
                yield from _area(limb, name)
        if side == "far":
            yield from middle
            yield from _gapped(_torso(body, "back" in highlight))
    yield from _gapped(_arm(body.near, "body"), cut=body.near.shoulder)


def _gapped(parts: Iterator[Primitive], cut: Point | None = None) -> Iterator[Primitive]:
    """``parts`` with the background band around them drawn first.

    The band stays away from ``cut`` (the hip or shoulder where a limb leaves the trunk): it
    would draw a ring inside the trunk there.
    """
    drawn = list(parts)
    for part in drawn:
        if isinstance(part, Capsule) and part.tone != "accent":
            a, b = part.a, part.b
            if cut is not None and a == cut:
                length = math.hypot(b[0] - a[0], b[1] - a[1])
                if length <= 2 * WIDTH["trunk"]:
                    continue
                a = _lerp(a, b, WIDTH["trunk"] * 0.9 / length)
            yield Capsule(a, b, part.width + 2 * GAP, "paper")
        elif isinstance(part, Disc) and part.tone != "accent":
            yield Disc(part.centre, part.radius + GAP, "paper")
    yield from drawn


def _arm(limb: _Limb, tone: Tone) -> Iterator[Primitive]:
    yield Capsule(limb.shoulder, limb.elbow, WIDTH["upper-arm"], tone)
    yield Capsule(limb.elbow, limb.wrist, WIDTH["forearm"], tone)
    yield Capsule(limb.wrist, limb.hand, WIDTH["hand"], tone)


def _leg(limb: _Limb, tone: Tone) -> Iterator[Primitive]:
    yield Capsule(limb.hip, limb.knee, WIDTH["thigh"], tone)
    yield Capsule(limb.knee, limb.ankle, WIDTH["shin"], tone)
    yield Capsule(limb.ankle, limb.instep, WIDTH["ankle"], tone)
    yield Capsule(limb.heel, limb.toes, WIDTH["foot"], tone)


def _torso(body: _Body, back: bool) -> Iterator[Primitive]:
    yield Capsule(body.hip, body.shoulder, WIDTH["trunk"], "body")
    yield Capsule(body.shoulder, body.head, WIDTH["neck"], "body")
    yield Disc(body.head, HEAD_R, "body")
    # The nose: which way the face looks (up, lying on the back; down, face down).
    face = _cw(body.neck_dir)
    nose = _add(_add(body.head, face, HEAD_R * 0.95), body.neck_dir, HEAD_R * 0.1)
    yield Disc(nose, HEAD_R * 0.28, "body")
    if back:
        spine = (-body.trunk_dir[1], body.trunk_dir[0])  # the back of the trunk
        width = WIDTH["trunk"]
        a = _add(_lerp(body.hip, body.shoulder, 0.15), spine, width * 0.22)
        b = _add(_lerp(body.hip, body.shoulder, 0.6), spine, width * 0.22)
        yield Capsule(a, b, width * 0.5, "accent")


def _area(limb: _Limb, name: str) -> Iterator[Primitive]:
    for segment, start, end, side in _AREA_SPANS[name]:
        if segment == "heel":
            yield Disc(limb.heel, WIDTH["foot"] * 0.55, "accent")
            continue
        if segment == "sole":
            a, b, width = limb.heel, limb.ball, WIDTH["foot"]
            out = _cw(limb.foot_dir)
        else:
            a, b, width = {
                "thigh": (limb.hip, limb.knee, WIDTH["thigh"]),
                "shin": (limb.knee, limb.ankle, WIDTH["shin"]),
                "foot": (limb.heel, limb.toes, WIDTH["foot"]),
                "upper-arm": (limb.shoulder, limb.elbow, WIDTH["upper-arm"]),
                "forearm": (limb.elbow, limb.wrist, WIDTH["forearm"]),
            }[segment]
            direction = limb.thigh_dir if segment == "thigh" else limb.shin_dir
            out = _cw(direction)  # the back of the leg
        p, q = _lerp(a, b, start), _lerp(a, b, end)
        if side == 0:
            yield Capsule(p, q, width * 1.02, "accent")
        else:
            shift = width * 0.14
            yield Capsule(_add(p, out, shift), _add(q, out, shift), width * 0.74, "accent")


# ---------------------------------------------------------------------------- props


def _prop(body: _Body, prop: Prop, layers: dict[str, list[Primitive]]) -> float | None:
    """Adds the prop's shapes to its layer; returns the gap under the body for a support."""
    kind = prop.kind
    if kind == "floor":
        return None
    if kind in ("wall", "door-frame"):
        layers["back"].extend(_wall(body, prop))
        return None
    if kind in ("towel", "band"):
        layers["front"].extend(_strap(body, prop))
        return None
    top = _support_surface(body, prop)
    low, high = SUPPORT_HEIGHTS[kind]
    height = min(max(top, low), high)
    if kind == "chair":
        layers["back"].extend(_chair(body, height))
    else:
        assert prop.at is not None
        xs = [p[0] for p, _ in body.points(prop.at)]
        x = sum(xs) / len(xs)
        # Under a near limb (or both): in front of the far leg, behind the near one.
        layer = "back" if prop.at.startswith("far-") else "middle"
        layers[layer].extend(_SUPPORT_SHAPES[kind](x, height))
    return max(0.0, top - height)


def _wall(body: _Body, prop: Prop) -> Iterator[Primitive]:
    assert prop.at is not None
    touching = body.points(prop.at)
    x = max(p[0] + half for p, half in touching)
    top = max(0.6, max(p[1] for p, _ in touching) + 0.2, body.head[1] + HEAD_R + 0.1)
    thick = 0.05
    yield Shape(((x, 0.0), (x + thick, 0.0), (x + thick, top), (x, top)), "prop")
    yield Shape(((x, 0.0), (x, top)), "prop-line", False, PROP_LINE)
    if prop.kind == "door-frame":
        # The frame's moulding stands out from the wall; the doorway opens beyond it.
        trim = 0.035
        yield Shape(((x - trim, 0.0), (x, 0.0), (x, top), (x - trim, top)), "prop-line", True)
        yield Shape(((x + thick, 0.0), (x + thick, top)), "prop-line", False, PROP_LINE)


def _strap(body: _Body, prop: Prop) -> Iterator[Primitive]:
    assert prop.at is not None
    width = 0.026 if prop.kind == "towel" else 0.012
    (foot, half), *_ = body.points(prop.at)
    side, _, kind = prop.at.partition("-")
    limb = body.limb(side if side in LIMBS else "near")
    sole = _cw(limb.foot_dir)  # the underside of the foot
    below = _add(foot, sole, half + width / 2)
    around = _add(below, limb.foot_dir, 0.03 if kind != "heel" else -0.03)
    hands = [p for p, _ in body.points(prop.hand if prop.hand != "hands" else "hands")]
    hand = _lerp(hands[0], hands[-1], 0.5)
    yield Shape((hand, below), "prop-line", False, width)
    yield Shape((below, around), "prop-line", False, width)
    yield Disc(hand, WIDTH["hand"] * 0.7, "body")


def _chair(body: _Body, height: float) -> Iterator[Primitive]:
    x = body.hip[0]
    front, rear = x + 0.1, x - 0.17
    seat = 0.03
    yield Shape(((rear, height - seat), (front, height - seat), (front, height),
                 (rear, height)), "prop")  # fmt: skip
    yield Shape(((rear, 0.0), (rear, height + 0.3)), "prop-line", False, 0.024)
    yield Shape(((front - 0.01, 0.0), (front - 0.01, height - seat)), "prop-line", False, 0.02)
    yield Shape(((rear, height + 0.3), (rear - 0.01, height + 0.3)), "prop-line", False, 0.03)


def _stool(x: float, height: float) -> Iterator[Primitive]:
    half = 0.09
    yield Shape(((x - half, height - 0.025), (x + half, height - 0.025), (x + half, height),
                 (x - half, height)), "prop")  # fmt: skip
    for leg in (x - half + 0.015, x + half - 0.015):
        yield Shape(((leg, 0.0), (leg, height - 0.02)), "prop-line", False, 0.018)


def _step(x: float, height: float) -> Iterator[Primitive]:
    half = 0.13
    box = ((x - half, 0.0), (x + half, 0.0), (x + half, height), (x - half, height))
    yield Shape(box, "prop")
    yield Shape((*box, box[0]), "prop-line", False, PROP_LINE)


def _roller(x: float, height: float) -> Iterator[Primitive]:
    radius = height / 2
    yield Disc((x, radius), radius, "prop", PROP_LINE)
    yield Disc((x, radius), radius * 0.3, "paper", PROP_LINE)


def _rolled_mat(x: float, height: float) -> Iterator[Primitive]:
    radius = height / 2
    centre = (x, radius)
    yield Shape(((x, 0.0), (x - 0.16, 0.0)), "prop-line", False, 0.01)  # the flat end
    yield Disc(centre, radius, "prop", PROP_LINE * 0.8)
    turns = [_add(centre, _unit(i * 30.0), radius * (0.15 + 0.6 * i / 30)) for i in range(31)]
    yield Shape(tuple(turns), "prop-line", False, PROP_LINE * 0.6)


def _bottle(x: float, height: float) -> Iterator[Primitive]:
    r = height / 2
    left, right = x - 0.09, x + 0.06
    yield Shape(((left, 0.0), (right, 0.0), (right + 0.025, r * 0.55), (right + 0.045, r * 0.55),
                 (right + 0.045, r * 1.45), (right + 0.025, r * 1.45), (right, height),
                 (left, height)), "prop")  # fmt: skip
    yield Shape(((right + 0.035, r * 0.45), (right + 0.055, r * 0.45), (right + 0.055, r * 1.55),
                 (right + 0.035, r * 1.55)), "prop-line")  # fmt: skip


_SUPPORT_SHAPES = {
    "stool": _stool,
    "step": _step,
    "foam-roller": _roller,
    "rolled-mat": _rolled_mat,
    "bottle": _bottle,
}


def _bounds(items: list[Primitive]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for item in items:
        if isinstance(item, Capsule):
            pad = item.width / 2
            pts = [item.a, item.b]
        elif isinstance(item, Disc):
            pad = item.radius + item.outline / 2
            pts = [item.centre]
        else:
            pad = item.width / 2
            pts = list(item.points)
        for x, y in pts:
            xs += [x - pad, x + pad]
            ys += [y - pad, y + pad]
    return (min(xs), min(ys), max(xs), max(ys))
