// tfjs prints a banner suggesting tfjs-node the first time the cpu backend runs in Node;
// IS_TEST turns it off so that test output shows only what the tests say.
import * as tf from '@tensorflow/tfjs-core';

tf.env().set('IS_TEST', true);
