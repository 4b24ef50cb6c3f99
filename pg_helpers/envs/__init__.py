"""Tiny environments with known dynamics, for exact answers to check estimates against.

- ``ContextualBandit``: two contexts, three arms, one step per episode (notebook 01)
- ``TabularMDP``, ``three_state_mdp``, ``TabularMDPEnv``: a three-state MDP with known P(s'|s,a) (notebook 02)
- ``ShortCorridorEnv``: Sutton & Barto's Example 13.1, actions switched in the middle state (notebook 03)
- ``PointMass``, ``PointMassVec``: a point steered to a target with bounded continuous actions, one
  copy or N in NumPy (notebook 05)
"""

from .contextual_bandit import ContextualBandit
from .point_mass import PointMass, PointMassVec
from .short_corridor import ShortCorridorEnv
from .tabular_mdp import TabularMDP, TabularMDPEnv, three_state_mdp

__all__ = ["ContextualBandit", "PointMass", "PointMassVec", "ShortCorridorEnv", "TabularMDP", "TabularMDPEnv", "three_state_mdp"]
