"""A stretch's picture as a pose: the vocabulary of the ``figure:`` key and its model (no Qt).

A pose is a side view of one figure, facing right, seen from its right side: the ``near``
limbs are the right ones. The app mirrors the drawing for the left side, so for a sided
stretch the near leg is always the one in progress. The figure is given by a base position
(which sets every joint), a few joint angles that differ from it, the props around it and the
areas to pick out; :mod:`desktop_app.pose_drawing` turns it into a drawing.

Angles are in degrees, as a physiotherapist would name them:

- ``trunk``: lean from upright, forward positive (0 standing or sitting tall, 90 lying face
  down, -90 lying on the back).
- ``head``: nod, chin towards the chest positive.
- ``hips``: flexion, the thigh forward of the trunk (0 standing, 90 sitting, negative behind).
- ``knees``: flexion (0 straight, 90 a right angle).
- ``knees-out``: how far a bent leg's knee falls out to the side, its foot staying where it
  is (0 to 90): a foot resting on the other knee, or against the other thigh.
- ``ankles``: 0 with the foot at a right angle to the shin, positive pointing the toes away,
  negative drawing them up towards the shin; ``flat`` keeps the sole level (a foot flat on
  the floor, whatever the leg does).
- ``shoulders``: flexion, the arm forward (0 hanging by the side, 90 straight ahead, 180
  overhead, negative behind).
- ``elbows``: flexion (0 straight).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

# ---------------------------------------------------------------------------- vocabulary

BASES = (
    "lying-on-back",
    "lying-face-down",
    "sitting-on-floor",
    "sitting-on-chair",
    "standing",
    "kneeling",
)
SINGLE_JOINTS = ("trunk", "head")
PAIRED_JOINTS = ("hips", "knees", "knees-out", "ankles", "shoulders", "elbows")
JOINTS = SINGLE_JOINTS + PAIRED_JOINTS
LIMBS = ("near", "far")
RANGES: dict[str, tuple[int, int]] = {
    "trunk": (-100, 100),
    "head": (-60, 60),
    "hips": (-45, 180),
    "knees": (0, 160),
    "knees-out": (0, 90),
    "ankles": (-45, 80),
    "shoulders": (-90, 200),
    "elbows": (0, 160),
}
PROPS = (
    "floor",
    "wall",
    "door-frame",
    "chair",
    "stool",
    "step",
    "towel",
    "band",
    "foam-roller",
    "rolled-mat",
    "bottle",
)
LIMB_POINTS = ("hand", "knee", "thigh", "calf", "heel", "arch", "ball", "toes", "foot")
"""Points on a limb, named with ``near-`` or ``far-`` in front (``near-heel``)."""
BODY_POINTS = ("hands", "feet", "seat", "head")
"""Points that need no side: both hands, both feet (their balls), the seat, the head."""
FOOT_POINTS = ("heel", "arch", "ball", "toes", "foot")
POINT_NAMES = (*BODY_POINTS, *(f"{side}-{kind}" for side in LIMBS for kind in LIMB_POINTS))
AREAS = ("hamstring", "calf", "achilles", "sole", "thigh", "shin", "foot", "arm", "back")
"""Areas to pick out. The limb ones take ``near-`` or ``far-`` (both legs without)."""
LIMB_AREAS = ("hamstring", "calf", "achilles", "sole", "thigh", "shin", "foot", "arm")

PROP_ANCHOR: dict[str, str | None] = {
    "floor": None,
    "wall": "hands",
    "door-frame": "near-heel",
    "chair": "seat",
    "stool": "near-heel",
    "step": "near-ball",
    "towel": "near-foot",
    "band": "near-foot",
    "foam-roller": "near-thigh",
    "rolled-mat": "feet",
    "bottle": "near-arch",
}
"""Where each prop goes when no place is given (the point it touches)."""


def point_kind(name: str) -> str | None:
    """The kind of a point name (``hand``, ``heel``, ``hands``...), None when unknown."""
    if name in BODY_POINTS:
        return name
    side, _, kind = name.partition("-")
    if side in LIMBS and kind in LIMB_POINTS:
        return kind
    return None


def anchor_problem(prop: str, point: str) -> str | None:
    """Why ``point`` cannot hold ``prop`` (None when it can); ``point`` is a known point."""
    kind = point_kind(point)
    feet = ("feet", *FOOT_POINTS)
    if prop == "chair" and kind != "seat":
        return "a chair goes under the seat"
    if prop in ("stool", "step", "rolled-mat", "bottle") and kind not in feet:
        return f"a {prop} goes under a foot (near-heel, near-arch, near-ball or feet)"
    if prop == "foam-roller" and kind not in ("thigh", "calf"):
        return "a foam roller goes under a thigh or a calf (near-thigh, near-calf)"
    if prop in ("towel", "band") and kind not in feet:
        return f"a {prop} goes from the hands to a foot (near-foot, near-arch, near-heel)"
    return None


@dataclass(frozen=True)
class Angles:
    """Every joint angle of a pose, in degrees (see the module's description)."""

    trunk: float = 0.0
    head: float = 0.0
    near_hips: float = 0.0
    far_hips: float = 0.0
    near_knees: float = 0.0
    far_knees: float = 0.0
    near_knees_out: float = 0.0
    far_knees_out: float = 0.0
    near_ankles: float | None = 0.0
    far_ankles: float | None = 0.0
    """``None``: the foot kept level (``flat``)."""
    near_shoulders: float = 0.0
    far_shoulders: float = 0.0
    near_elbows: float = 0.0
    far_elbows: float = 0.0

    def with_joint(self, joint: str, value: float | None, limb: str | None = None) -> Angles:
        """A copy with ``joint`` set, on one limb or (for a paired joint, limb None) on both."""
        changes: dict[str, Any] = {}
        if joint in SINGLE_JOINTS:
            changes[joint] = value
        else:
            for side in LIMBS if limb is None else (limb,):
                changes[f"{side}_{joint.replace('-', '_')}"] = value
        return replace(self, **changes)

    def get(self, joint: str, limb: str | None = None) -> float | None:
        """One joint's angle (``limb`` for a paired joint); None for a flat ankle."""
        name = joint if limb is None else f"{limb}_{joint.replace('-', '_')}"
        value: float | None = getattr(self, name)
        return value


def _base(trunk: float, hips: float, knees: float, ankles: float | None, shoulders: float,
          elbows: float) -> Angles:  # fmt: skip
    return Angles(trunk, 0.0, hips, hips, knees, knees, 0.0, 0.0, ankles, ankles, shoulders,
                  shoulders, elbows, elbows)  # fmt: skip


BASE_ANGLES: dict[str, Angles] = {
    "lying-on-back": replace(_base(-90, 0, 0, 15, 8, 0), head=8),
    "lying-face-down": replace(_base(90, 0, 0, 70, 8, 0), head=-8),
    "sitting-on-floor": _base(0, 90, 0, 10, -25, 0),
    "sitting-on-chair": _base(0, 90, 90, None, 25, 50),
    "standing": _base(0, 0, 0, None, 6, 12),
    "kneeling": _base(0, 0, 90, 75, 6, 12),
}
"""The joint angles of each base position; a pose gives only what differs."""


@dataclass(frozen=True)
class Prop:
    """A prop and the body point it touches (``towel`` also the hand that holds it)."""

    kind: str
    at: str | None = None
    hand: str = "hands"


@dataclass(frozen=True)
class Pose:
    """A figure the app draws: base position, every joint angle, props, areas picked out."""

    base: str = "standing"
    angles: Angles = field(default_factory=Angles)
    props: tuple[Prop, ...] = ()
    highlight: tuple[str, ...] = ()
    """Limb areas with their side (``near-hamstring``), or ``back``."""


@dataclass(frozen=True)
class FigureFile:
    """A picture from a file (SVG or PNG), read and checked when the routine file loaded."""

    path: str
    kind: Literal["svg", "png"]
    data: bytes = field(repr=False)


Figure = Pose | FigureFile
