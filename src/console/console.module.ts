import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';

/** The admin console at /admin: a page and its browser files, using only the public API. */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
