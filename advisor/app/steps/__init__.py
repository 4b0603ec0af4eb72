"""The questionnaire's steps, one module each; each module's ``draw()`` draws its step."""
