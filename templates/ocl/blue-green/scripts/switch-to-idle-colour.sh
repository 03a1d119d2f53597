
point_to "#{Octopus.Action[Find Idle Colour].Output.IdleColour}"
