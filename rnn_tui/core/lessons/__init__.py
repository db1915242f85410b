"""Lessons: data files that lead a learner through the playground and check claims on real runs."""
