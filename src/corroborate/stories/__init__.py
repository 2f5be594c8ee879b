"""Stories: group coverage of the same event, incrementally, with reasons.

``extract_features`` turns articles into :class:`StoryFeatures`; a
:class:`StoryIndex` assigns each to a story as it arrives (``add``), explains
why (:class:`Reason`), and keeps a person's ``merge``/``split``/``move``
decisions. ``story_title`` makes a story's headline.
"""

from __future__ import annotations

from corroborate.stories.assign import Assignment, Candidate, IndexOptions, StoryIndex, StoryView
from corroborate.stories.decisions import Decision
from corroborate.stories.features import FeatureOptions, StoryFeatures, extract_features
from corroborate.stories.profile import ProfileLimits
from corroborate.stories.reasons import Reason
from corroborate.stories.regroup import RegroupOptions
from corroborate.stories.retrieval import RetrievalOptions
from corroborate.stories.scoring import ScoreModel
from corroborate.stories.title import clean_headline, story_title

__all__ = [
    "Assignment",
    "Candidate",
    "Decision",
    "FeatureOptions",
    "IndexOptions",
    "ProfileLimits",
    "Reason",
    "RegroupOptions",
    "RetrievalOptions",
    "ScoreModel",
    "StoryFeatures",
    "StoryIndex",
    "StoryView",
    "clean_headline",
    "extract_features",
    "story_title",
]
