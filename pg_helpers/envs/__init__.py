"""Tiny environments with known dynamics, for exact answers to check estimates against."""
