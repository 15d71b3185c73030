"""Poses: the drawing they make (resting on the floor and on their props) and every bundled
stretch's picture checked against its instructions."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from desktop_app.model import Stretch
from desktop_app.pose import BASE_ANGLES, BASES, Pose, Prop
from desktop_app.pose_drawing import Capsule, Disc, Drawing, Shape, draw_pose
from desktop_app.routines import load_library
from tests.conftest import BUNDLED

TOUCH = 0.02
"""How close (in figure heights, about 3 cm) a body part must come to what holds it up."""


def _bundled() -> dict[str, Stretch]:
    return dict(load_library([BUNDLED]).library.stretches)


def _point(drawing: Drawing, name: str) -> tuple[float, float]:
    return dict(drawing.points)[name]


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


# ---------------------------------------------------------------------------- kinematics


def test_standing_figure_stands_on_the_floor_about_one_unit_tall() -> None:
    drawing = draw_pose(Pose("standing", BASE_ANGLES["standing"]))
    heights = dict(drawing.heights)
    assert heights["near-foot"] == pytest.approx(0.0, abs=1e-9)
    assert heights["far-foot"] == pytest.approx(0.0, abs=1e-9)
    top = _point(drawing, "head")[1]
    assert 0.85 < top < 1.0  # the head's centre, a little below the top of the figure
    x0, y0, x1, y1 = drawing.bounds
    assert y1 - y0 == pytest.approx(1.0, abs=0.08)
    assert x1 - x0 < 0.6


def test_a_straight_knee_is_straight_and_a_right_angle_is_square() -> None:
    angles = BASE_ANGLES["standing"].with_joint("knees", 0).with_joint("knees", 90, "near")
    drawing = draw_pose(Pose("standing", angles))
    hip, near_knee = (0.0, 0.0), _point(drawing, "near-knee")
    seat = _point(drawing, "seat")
    hip = seat
    far_knee = _point(drawing, "far-knee")
    far_heel = _point(drawing, "far-heel")
    # The far leg hangs straight: hip, knee and heel in one vertical line.
    assert far_knee[0] == pytest.approx(hip[0], abs=1e-9)
    assert far_heel[0] == pytest.approx(hip[0] - 0.035, abs=1e-6)  # the heel is behind
    # The near knee is bent 90: the shin points straight back (the figure faces right).
    near_ankle_side = _point(drawing, "near-calf")
    assert near_ankle_side[1] == pytest.approx(near_knee[1], abs=1e-9)
    assert near_ankle_side[0] < near_knee[0]


def test_lying_on_the_back_faces_up_with_the_head_behind_the_hips() -> None:
    drawing = draw_pose(Pose("lying-on-back", BASE_ANGLES["lying-on-back"]))
    head, seat = _point(drawing, "head"), _point(drawing, "seat")
    assert head[0] < seat[0] - 0.25
    heights = dict(drawing.heights)
    assert heights["trunk"] < 0.01
    assert heights["head"] < 0.01
    # The nose is on the upper side of the head: the figure looks at the ceiling.
    nose = [i for i in drawing.items if isinstance(i, Disc) and i.centre != head][-1]
    assert nose.centre[1] > head[1] + 0.05


def test_face_down_is_the_mirror_of_on_the_back_about_the_vertical() -> None:
    down = draw_pose(Pose("lying-face-down", BASE_ANGLES["lying-face-down"]))
    head, seat = _point(down, "head"), _point(down, "seat")
    assert head[0] > seat[0] + 0.25
    nose = [i for i in down.items if isinstance(i, Disc) and i.centre != head][-1]
    assert nose.centre[1] < head[1]


def test_a_flat_ankle_keeps_the_sole_level_whatever_the_leg_does() -> None:
    for hips, knees in ((-20, 0), (30, 40), (60, 100)):
        angles = (
            BASE_ANGLES["standing"]
            .with_joint("hips", hips, "near")
            .with_joint("knees", knees, "near")
            .with_joint("ankles", None, "near")
        )
        drawing = draw_pose(Pose("standing", angles))
        heel, toes = _point(drawing, "near-heel"), _point(drawing, "near-toes")
        assert heel[1] == pytest.approx(toes[1], abs=1e-9)
        assert toes[0] > heel[0]


def test_knees_out_keeps_the_foot_where_it_is_and_lowers_the_knee_towards_it() -> None:
    base = BASE_ANGLES["sitting-on-floor"].with_joint("hips", 150, "far")
    base = base.with_joint("knees", 120, "far")
    upright = draw_pose(Pose("sitting-on-floor", base))
    out = draw_pose(Pose("sitting-on-floor", base.with_joint("knees-out", 70, "far")))
    seat_move = _point(out, "seat")[1] - _point(upright, "seat")[1]

    def lifted(drawing: Drawing, name: str, move: float = 0.0) -> tuple[float, float]:
        x, y = _point(drawing, name)
        return (x, y - move)

    # The ankle (between heel and ball) has not moved relative to the hips...
    assert _distance(
        lifted(out, "far-arch", seat_move), lifted(upright, "far-arch")
    ) == pytest.approx(0.0, abs=0.05)
    # ...and the knee has come down towards the line from the hip to the foot.
    assert lifted(out, "far-knee", seat_move)[1] < lifted(upright, "far-knee")[1] - 0.05


def test_a_supporting_prop_meets_the_body_and_a_lying_figure_rests_on_the_floor() -> None:
    angles = BASE_ANGLES["standing"].with_joint("hips", 70, "near").with_joint("knees", 10, "near")
    drawing = draw_pose(Pose("standing", angles, (Prop("stool", "near-heel"),)))
    (kind, gap), *_ = drawing.supports
    assert kind == "stool"
    assert gap == pytest.approx(0.0, abs=1e-9)
    assert dict(drawing.heights)["far-foot"] == pytest.approx(0.0, abs=1e-9)
    assert dict(drawing.heights)["near-foot"] > 0.1


def test_a_prop_too_low_for_its_place_lifts_the_body_onto_it() -> None:
    # A foam roller under a thigh that lies on the floor: the body rests on the roller.
    pose = Pose(
        "sitting-on-floor", BASE_ANGLES["sitting-on-floor"], (Prop("foam-roller", "near-thigh"),)
    )
    drawing = draw_pose(pose)
    (_, gap), *_ = drawing.supports
    assert gap == pytest.approx(0.0, abs=1e-9)
    thigh = _point(drawing, "near-thigh")[1] - 0.095 / 2
    assert thigh == pytest.approx(0.075, abs=1e-6)  # on the lowest roller there is
    assert dict(drawing.heights)["trunk"] > 0.02


def test_the_highlighted_area_is_drawn_on_its_leg_in_the_accent_colour() -> None:
    angles = BASE_ANGLES["standing"]
    plain = draw_pose(Pose("standing", angles))
    lit = draw_pose(Pose("standing", angles, highlight=("near-hamstring",)))
    accents = [i for i in lit.items if i.tone == "accent"]
    assert not [i for i in plain.items if i.tone == "accent"]
    assert len(accents) == 1
    stripe = accents[0]
    assert isinstance(stripe, Capsule)
    seat, knee = _point(lit, "seat"), _point(lit, "near-knee")
    # On the back of the thigh (the figure faces right), between the hip and the knee.
    assert stripe.a[0] < seat[0]
    assert knee[1] < stripe.b[1] < stripe.a[1] < seat[1]


def test_the_far_limbs_are_drawn_before_the_body_and_the_near_ones_after() -> None:
    drawing = draw_pose(Pose("standing", BASE_ANGLES["standing"]))
    tones = [i.tone for i in drawing.items if isinstance(i, Capsule) and i.tone != "paper"]
    first_body = tones.index("body")
    assert set(tones[:first_body]) == {"far"}
    assert "far" not in tones[first_body:]


def test_every_base_position_draws_inside_its_bounds() -> None:
    for base in BASES:
        drawing = draw_pose(Pose(base, BASE_ANGLES[base]))
        x0, y0, x1, y1 = drawing.bounds
        assert x1 > x0
        assert y1 > y0
        for item in drawing.items:
            points = (
                [item.a, item.b]
                if isinstance(item, Capsule)
                else [item.centre]
                if isinstance(item, Disc)
                else list(item.points)
            )
            for x, y in points:
                assert x0 <= x <= x1, (base, item)
                assert y0 <= y <= y1, (base, item)


# ---------------------------------------------------------------------------- bundled


@dataclass(frozen=True)
class Looks:
    """What the instructions say the picture must show."""

    base: str
    props: dict[str, str] = field(default_factory=dict)
    """Each prop and the point it touches."""
    highlight: tuple[str, ...] = ()
    on_floor: tuple[str, ...] = ()
    """Body parts resting on the floor."""
    checks: tuple[Callable[[Pose, Drawing], bool], ...] = ()


def straight(limb: str, most: float = 12) -> Callable[[Pose, Drawing], bool]:
    def check(pose: Pose, _drawing: Drawing) -> bool:
        return (pose.angles.get("knees", limb) or 0) <= most

    check.__name__ = f"{limb} knee straight (at most {most})"
    return check


def bent(limb: str, least: float = 15, most: float = 160) -> Callable[[Pose, Drawing], bool]:
    def check(pose: Pose, _drawing: Drawing) -> bool:
        return least <= (pose.angles.get("knees", limb) or 0) <= most

    check.__name__ = f"{limb} knee bent ({least} to {most})"
    return check


def leaning(least: float) -> Callable[[Pose, Drawing], bool]:
    def check(pose: Pose, _drawing: Drawing) -> bool:
        return pose.angles.trunk >= least

    check.__name__ = f"leaning forward at least {least}"
    return check


def leg_raised(limb: str, least: float) -> Callable[[Pose, Drawing], bool]:
    def check(pose: Pose, _drawing: Drawing) -> bool:
        return (pose.angles.get("hips", limb) or 0) >= least

    check.__name__ = f"{limb} leg raised at least {least}"
    return check


def near(a: str, b: str, within: float = 0.09) -> Callable[[Pose, Drawing], bool]:
    def check(_pose: Pose, drawing: Drawing) -> bool:
        return _distance(_point(drawing, a), _point(drawing, b)) <= within

    check.__name__ = f"{a} at {b}"
    return check


def lifted(part: str, least: float = 0.02) -> Callable[[Pose, Drawing], bool]:
    def check(_pose: Pose, drawing: Drawing) -> bool:
        return dict(drawing.heights)[part] >= least

    check.__name__ = f"{part} lifted off the floor"
    return check


def behind(limb: str) -> Callable[[Pose, Drawing], bool]:
    def check(_pose: Pose, drawing: Drawing) -> bool:
        other = "far" if limb == "near" else "near"
        return _point(drawing, f"{limb}-heel")[0] < _point(drawing, f"{other}-heel")[0] - 0.1

    check.__name__ = f"{limb} foot stepped back"
    return check


def pointed(limb: str) -> Callable[[Pose, Drawing], bool]:
    """The foot relaxed, toes pointing softly away (not drawn back)."""

    def check(pose: Pose, _drawing: Drawing) -> bool:
        return 10 <= (pose.angles.get("ankles", limb) or 0) <= 45

    check.__name__ = f"{limb} toes pointing softly away"
    return check


def flat(limb: str) -> Callable[[Pose, Drawing], bool]:
    def check(_pose: Pose, drawing: Drawing) -> bool:
        return abs(_point(drawing, f"{limb}-heel")[1] - _point(drawing, f"{limb}-toes")[1]) < 0.01

    check.__name__ = f"{limb} foot flat"
    return check


# Read from each stretch's instructions: the position, what is used and where, the knees the
# text calls straight or bent, what rests on the floor. The near leg is the one in progress.
EXPECTED: dict[str, Looks] = {
    "towel-hamstring": Looks(
        "lying-on-back",
        {"towel": "near-foot"},
        ("near-hamstring",),
        ("trunk", "head"),
        (straight("near"), leg_raised("near", 60)),
    ),
    "band-hamstring": Looks(
        "lying-on-back",
        {"band": "near-foot"},
        ("near-hamstring",),
        ("trunk", "head", "far-thigh", "far-foot"),
        (straight("near", 5), leg_raised("near", 60)),
    ),
    "doorway-hamstring": Looks(
        "lying-on-back",
        {"door-frame": "near-heel"},
        ("near-hamstring",),
        ("trunk", "head", "far-thigh", "far-foot"),
        (straight("near"), straight("far", 0), leg_raised("near", 70)),
    ),
    "doorway-bent-knee-hamstring": Looks(
        "lying-on-back",
        {"door-frame": "near-ball"},
        ("near-hamstring",),
        ("trunk", "head", "far-thigh", "far-foot"),
        (bent("near", 35), straight("far", 0), leg_raised("near", 60), pointed("near")),
    ),
    "seated-bent-knee-hamstring": Looks(
        "sitting-on-chair",
        {},
        ("near-hamstring",),
        ("near-foot", "far-foot"),
        (bent("near", 30, 70), bent("far", 60), flat("far"), leaning(15), pointed("near")),
    ),
    "seated-chair-hamstring": Looks(
        "sitting-on-chair",
        {},
        ("near-hamstring",),
        ("near-foot", "far-foot"),
        (straight("near"), bent("far", 60), flat("far"), leaning(15)),
    ),
    "standing-stool-hamstring": Looks(
        "standing",
        {"stool": "near-heel"},
        ("near-hamstring",),
        ("far-foot",),
        (bent("near", 8, 25), straight("far", 3), leaning(15)),
    ),
    "lying-bent-knee-hamstring": Looks(
        "lying-on-back",
        {},
        ("near-hamstring",),
        ("trunk", "head"),
        (
            bent("near", 15, 50),
            leg_raised("near", 70),
            near("near-hand", "near-knee", 0.1),  # behind the thigh, above the knee
            near("far-hand", "near-calf", 0.05),
            pointed("near"),
        ),
    ),
    "hurdler-hamstring": Looks(
        "sitting-on-floor",
        {},
        ("near-hamstring",),
        ("trunk", "near-thigh"),
        (straight("near"), bent("far", 90), leaning(15)),
    ),
    "foam-roll-hamstrings": Looks(
        "sitting-on-floor",
        {"foam-roller": "near-thigh"},
        ("near-hamstring",),
        ("near-hand", "far-foot"),
        (bent("far", 60), flat("far"), lifted("trunk")),
    ),
    "wall-calf": Looks(
        "standing",
        {"wall": "hands"},
        ("near-calf",),
        ("near-foot", "far-foot"),
        (straight("near", 3), bent("far", 15), behind("near"), flat("near"), flat("far")),
    ),
    "rolled-mat-calf": Looks(
        "standing",
        {"rolled-mat": "feet"},
        ("near-calf", "far-calf"),
        ("near-foot", "far-foot"),
        (bent("near", 5, 30), bent("far", 5, 30), leaning(20)),
    ),
    "bent-knee-soleus": Looks(
        "standing",
        {"wall": "hands"},
        ("near-achilles",),
        ("near-foot", "far-foot"),
        (bent("near", 15), bent("far", 15), behind("near"), flat("near"), flat("far")),
    ),
    "seated-towel-calf": Looks(
        "sitting-on-floor",
        {"towel": "near-ball"},
        ("near-calf", "near-sole"),
        ("trunk", "near-thigh"),
        (straight("near", 3),),
    ),
    "plantar-fascia-toe-pull": Looks(
        "sitting-on-chair",
        {},
        ("near-sole",),
        ("far-foot",),
        (
            bent("near", 90),  # crossed over: the ankle on top of the other knee
            near("near-heel", "far-knee", 0.12),
            near("near-hand", "near-toes", 0.08),
            near("far-hand", "near-arch", 0.1),
        ),
    ),
    "foot-roll-bottle": Looks(
        "sitting-on-chair",
        {"bottle": "near-arch"},
        ("near-sole",),
        ("far-foot",),
        (),
    ),
    "foam-roll-calves": Looks(
        "sitting-on-floor",
        {"foam-roller": "near-calf"},
        ("near-calf",),
        ("near-hand", "far-foot"),
        (straight("near", 3), lifted("trunk")),
    ),
}


def test_every_bundled_stretch_has_a_drawn_picture() -> None:
    for stretch_id, stretch in _bundled().items():
        assert isinstance(stretch.figure, Pose), (
            f"stretch '{stretch_id}' has no drawn picture: give it a figure: pose "
            "(README, 'Pictures of the stretches')"
        )
        assert stretch_id in EXPECTED, f"say what '{stretch_id}' must show in EXPECTED"


@pytest.mark.parametrize("stretch_id", sorted(EXPECTED))
def test_bundled_picture_shows_what_the_instructions_say(stretch_id: str) -> None:
    stretches = _bundled()
    if stretch_id not in stretches:
        pytest.fail(f"'{stretch_id}' is no longer bundled: drop it from EXPECTED")
    pose = stretches[stretch_id].figure
    assert isinstance(pose, Pose)
    looks = EXPECTED[stretch_id]
    drawing = draw_pose(pose)
    assert pose.base == looks.base
    assert {p.kind: p.at for p in pose.props} == looks.props
    assert set(pose.highlight) == set(looks.highlight)
    heights = dict(drawing.heights)
    # It rests: the lowest part on the floor, the named ones too, every prop under the body.
    assert min(heights.values()) == pytest.approx(0.0, abs=1e-6)
    for part in looks.on_floor:
        assert heights[part] <= TOUCH, f"{part} is {heights[part]:.3f} above the floor"
    for prop, gap in drawing.supports:
        assert gap <= TOUCH, f"the body floats {gap:.3f} above the {prop}"
    failed = [check.__name__ for check in looks.checks if not check(pose, drawing)]
    assert not failed, f"{stretch_id}: {failed}"


def test_pose_modules_import_no_qt() -> None:
    code = textwrap.dedent(
        """
        import sys
        import desktop_app.pose, desktop_app.figure_spec, desktop_app.figure_file
        from desktop_app.routines import load_library
        from desktop_app.pose_drawing import draw_pose
        from tests.conftest import BUNDLED
        for stretch in load_library([BUNDLED]).library.stretches.values():
            draw_pose(stretch.figure)
        assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if 'PySide' in m)
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=BUNDLED.parent.parent)


def test_drawing_is_made_of_known_primitives_and_tones() -> None:
    for stretch in _bundled().values():
        assert isinstance(stretch.figure, Pose)
        for item in draw_pose(stretch.figure).items:
            assert isinstance(item, Capsule | Disc | Shape)
            assert item.tone in ("body", "far", "accent", "prop", "prop-line", "paper")
